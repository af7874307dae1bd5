using EtcdRemediator.Advisories;
using EtcdRemediator.Clusters;
using EtcdRemediator.Etcd;
using EtcdRemediator.Forecasting;
using EtcdRemediator.Http;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Snapshots.Offsite;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EtcdRemediator.Api;

internal static class ClusterEndpoints
{
    /// <summary>A configured cluster and what the coordinator knows of it (active run, cooldown, breaker),
    /// what runs it without an alert (schedules, window, deferred run, the watch's last reading), and its newest
    /// off-site copy (null while off-site copies are off).</summary>
    internal sealed record ClusterSummary(
        string Name, string Backend, IReadOnlyList<string> Endpoints, ClusterRunState State, ClusterMaintenanceView Maintenance,
        OffsiteView? Offsite);

    public static RouteGroupBuilder MapClusterEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/clusters").WithTags("Clusters").RequireAuthorization(Auth.AuthPolicies.Operator);
        group.MapGet("/", ListClusters);
        group.MapGet("/{cluster}/status", GetStatusAsync);
        return group;
    }

    private static async Task<Ok<List<ClusterSummary>>> ListClusters(EtcdClusterRegistry clusters, RemediationCoordinator coordinator,
        Calendar.MaintenanceCalendar calendar, Scheduling.ScheduleRunner runner, Watch.WatchReadings readings,
        Forecasting.ForecastBook forecasts, DefragRules.DefragRuleBook rules, Snapshots.Offsite.OffsiteCatalog offsite,
        Microsoft.Extensions.Options.IOptions<Configuration.RemediatorOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var bucket = await offsite.LookAsync(cancellationToken); // a listing every few minutes at most, bounded
        var now = time.GetUtcNow();
        // A List, not a lazy sequence: an answer is written as its runtime type, which must be one ApiJson knows.
        return TypedResults.Ok(clusters.All.Select(c =>
        {
            var state = coordinator.StateOf(c.Name);
            return new ClusterSummary(c.Name, c.Backend, c.Endpoints, state,
                ClusterMaintenanceView.From(c.Name, calendar, runner, state, readings, options.Value, now,
                    MemberForecastView.For(forecasts, c.Name, options.Value, now), rules.For(c.Name)),
                OffsiteView.From(offsite, bucket, c.Name));
        }).ToList());
    }

    /// <summary>
    /// Reads the cluster live. Answers 200 even when members are down: those are rows with their
    /// error. Ask for text/plain to get the table a terminal shows well.
    /// </summary>
    private static async Task<Results<Ok<ClusterStatusView>, ContentHttpResult, ProblemHttpResult>> GetStatusAsync(
        string cluster, HttpRequest request, EtcdClusterRegistry clusters, ClusterInspector inspector, QuotaReader quotas,
        Forecasting.ForecastBook forecasts, DefragRules.DefragRuleBook rules,
        Microsoft.Extensions.Options.IOptions<Configuration.RemediatorOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (clusters.Find(cluster) is not { } target)
            return Problems.UnknownCluster(cluster);
        var state = await inspector.InspectAsync(target, cancellationToken, retry: false);
        var view = ClusterStatusView.From(state, await quotas.QuotaOfAsync(target, state, QuotaReader.PageMaxAge, cancellationToken),
            options.Value.Policy.MinFragmentationRatio, options.Value.AcceptedFor(target.Name),
            MemberForecastView.For(forecasts, target.Name, options.Value, time.GetUtcNow()), rules.For(target.Name));
        return WantsText(request)
            ? TypedResults.Text(StatusTable.Render(view), "text/plain; charset=utf-8")
            : TypedResults.Ok(view);
    }

    private static bool WantsText(HttpRequest request) =>
        request.Query["format"] == "table"
        || request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase));
}
