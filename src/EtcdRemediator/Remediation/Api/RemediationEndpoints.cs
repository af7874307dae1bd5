using EtcdRemediator.Clusters;
using EtcdRemediator.Http;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Remediation.Policy;
using EtcdRemediator.Remediation.Runs;
using EtcdRemediator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EtcdRemediator.Remediation.Api;

internal static class RemediationEndpoints
{
    /// <summary>Answer to a trigger: the run it started or joined, and where to follow it. When the run
    /// ended within the wait (a dry run usually does), its plan and reason are here too; a deferred run says
    /// when it may start (<c>notBefore</c>: the next maintenance window's opening).</summary>
    internal sealed record TriggerAnswer(string Id, string Disposition, string Cluster, string Action, string Status, bool DryRun,
        IReadOnlyList<PlannedMember>? Plan = null, string? Reason = null, DateTimeOffset? NotBefore = null);

    /// <summary>How long a trigger may wait for its run: dry runs 30 s unless told; <c>?wait=</c> at most 60 s.</summary>
    public static readonly TimeSpan DryRunWait = TimeSpan.FromSeconds(30), MaxWait = TimeSpan.FromSeconds(60);

    public static RouteGroupBuilder MapRemediationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Remediations").RequireAuthorization(Auth.AuthPolicies.Operator);
        group.MapPost("/clusters/{cluster}/remediations", TriggerAsync).AddEndpointFilter<ValidationFilter<RemediationRequest>>();
        group.MapGet("/remediations/{id}", GetAsync);
        group.MapGet("/remediations", ListAsync);
        return group;
    }

    private static async Task<Results<Accepted<TriggerAnswer>, ProblemHttpResult>> TriggerAsync(
        string cluster, string? wait, JsonBody<RemediationRequest> body, HttpContext http,
        EtcdClusterRegistry clusters, RemediationCoordinator coordinator, RunStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        TimeSpan? waitFor = null;
        if (wait is not null)
        {
            if (!Configuration.Durations.TryParseDuration(wait, out var w) || w < TimeSpan.Zero || w > MaxWait)
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid wait",
                    detail: $"'wait' must be a duration up to {MaxWait.TotalSeconds:0}s, such as 10s or 30s.");
            waitFor = w;
        }
        if (clusters.Find(cluster) is not { } target) return Problems.UnknownCluster(cluster);
        var request = body.Value!;
        _ = RemediationActions.TryParse(request.Action, out var action); // the validator has checked it
        // Who asked, for the run's audit: the address, the client, and the role its token has.
        var who = $"{http.Connection.RemoteIpAddress} {http.Request.Headers.UserAgent} ({http.User.Identity?.Name ?? "anonymous"})".Trim();
        SubmitResult result;
        try
        {
            result = await coordinator.SubmitAsync(
                new RunRequest(target.Name, action, request.DryRun, request.Force, new RunTrigger(TriggerKind.Manual, who),
                    request.IgnoreThresholds),
                cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The run store cannot take the run",
                detail: e.Message);
        }
        if (result.Disposition == Disposition.Busy)
        {
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many dry runs waiting", detail: result.Reason,
                extensions: new Dictionary<string, object?> { ["disposition"] = result.Disposition.ToName(), ["retryAfter"] = result.RetryAfter });
        }
        if (result.Run is not { } run)
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: result.Disposition == Disposition.Cooldown ? "The cluster is in its cooldown" : "The cluster's circuit breaker is open",
                detail: $"{result.Reason}. Send \"force\": true to run anyway (the safety gate still applies).",
                extensions: new Dictionary<string, object?> { ["disposition"] = result.Disposition.ToName(), ["retryAfter"] = result.RetryAfter });
        // Whoever asks for a dry run wants its plan: wait for it (bounded), so one call is enough.
        var ended = await WaitForEndAsync(store, coordinator, time, run.Id, waitFor ?? (run.DryRun ? DryRunWait : TimeSpan.Zero),
            cancellationToken) ?? run;
        return TypedResults.Accepted($"/api/v1/remediations/{run.Id}",
            new TriggerAnswer(run.Id, result.Disposition.ToName(), run.Cluster, ended.Action.ToName(), ended.Status.ToString(), run.DryRun,
                ended.IsActive ? null : ended.Plan,
                ended.Status == RunStatus.Deferred ? DeferredReason(ended)
                    : result.Disposition == Disposition.Joined && result.Reason is { } note ? note : ended.Reason,
                ended.Status == RunStatus.Deferred ? ended.NotBefore : null));
    }

    private static string DeferredReason(RunRecord run) => $"{DeferralRule.Explain(run)}; send \"force\": true to run it now";

    /// <summary>The run once it has ended, or as it is after <paramref name="wait"/>: three reads of the store at most,
    /// however long the wait.</summary>
    private static async Task<RunRecord?> WaitForEndAsync(RunStore store, RemediationCoordinator coordinator, TimeProvider time, string id,
        TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero) return null;
        var run = await store.GetAsync(id, cancellationToken);
        if (run is not { IsUnderway: true }) return run;
        var ended = coordinator.WhenEnded(id);
        // It may have ended between the read and the ask: then nothing will signal it again.
        run = await store.GetAsync(id, cancellationToken);
        if (run is not { IsUnderway: true }) return run;
        try
        {
            await ended.WaitAsync(wait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        return await store.GetAsync(id, cancellationToken) ?? run;
    }

    private static async Task<Results<Ok<RunRecord>, ProblemHttpResult>> GetAsync(string id, RunStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } run
            ? TypedResults.Ok(run)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown run", detail: $"No run with id '{id}'.");

    private static async Task<Results<Ok<List<RunRecord>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? cluster, string? limit, RunStore store, EtcdClusterRegistry clusters, CancellationToken cancellationToken)
    {
        if (ListLimit.Parse(limit, out var count) is { } problem) return problem;
        if (cluster is not null && clusters.Find(cluster) is null) return Problems.UnknownCluster(cluster);
        return TypedResults.Ok(await store.ListAsync(cluster, count, cancellationToken));
    }
}
