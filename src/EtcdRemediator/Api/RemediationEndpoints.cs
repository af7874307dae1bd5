using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation;
using EtcdRemediator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EtcdRemediator.Api;

public static class RemediationEndpoints
{
    /// <summary>Answer to a trigger: the run it started or joined, and where to follow it.</summary>
    public sealed record TriggerAnswer(string Id, string Disposition, string Cluster, string Action, string Status, bool DryRun);

    public static RouteGroupBuilder MapRemediationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Remediations").RequireAuthorization(Auth.AuthPolicies.Operator);
        group.MapPost("/clusters/{cluster}/remediations", TriggerAsync).AddEndpointFilter<ValidationFilter<RemediationRequest>>();
        group.MapGet("/remediations/{id}", GetAsync);
        group.MapGet("/remediations", ListAsync);
        return group;
    }

    private static async Task<Results<Accepted<TriggerAnswer>, ProblemHttpResult>> TriggerAsync(
        string cluster, JsonBody<RemediationRequest> body, HttpContext http,
        EtcdClusterRegistry clusters, RemediationCoordinator coordinator, CancellationToken cancellationToken)
    {
        if (clusters.Find(cluster) is not { } target) return Problems.UnknownCluster(cluster);
        var request = body.Value!;
        _ = RemediationActions.TryParse(request.Action, out var action); // the validator has checked it
        var who = $"{http.Connection.RemoteIpAddress} {http.Request.Headers.UserAgent}".Trim();
        SubmitResult result;
        try
        {
            result = await coordinator.SubmitAsync(
                new RunRequest(target.Name, action, request.DryRun, request.Force, new RunTrigger("manual", who)), cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The run store cannot take the run", detail: e.Message);
        }
        if (result.Run is not { } run)
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: result.Disposition == Disposition.Cooldown ? "The cluster is in its cooldown" : "The cluster's circuit breaker is open",
                detail: $"{result.Reason}. Send \"force\": true to run anyway (the safety gate still applies).",
                extensions: new Dictionary<string, object?> { ["disposition"] = DispositionName(result.Disposition), ["retryAfter"] = result.RetryAfter });
        return TypedResults.Accepted($"/api/v1/remediations/{run.Id}",
            new TriggerAnswer(run.Id, DispositionName(result.Disposition), run.Cluster, run.Action, run.Status.ToString(), run.DryRun));
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

    public static string DispositionName(Disposition disposition) => disposition switch
    {
        Disposition.CircuitOpen => "circuit-open",
        _ => disposition.ToString().ToLowerInvariant(),
    };
}
