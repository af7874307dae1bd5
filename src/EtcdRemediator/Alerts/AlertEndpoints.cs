using EtcdRemediator.Http;
using EtcdRemediator.Remediation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EtcdRemediator.Alerts;

internal static class AlertEndpoints
{
    internal sealed record AlertAnswer(string Id, IReadOnlyList<AlertDisposition> Alerts);

    public static RouteGroupBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/alerts").WithTags("Alerts");
        group.MapPost("/", ReceiveAsync)
            .AddEndpointFilter<AuditRejectionFilter>()
            .AddEndpointFilter<ValidationFilter<AlertmanagerPayload>>()
            .RequireAuthorization(Auth.AuthPolicies.Webhook)
            .RequireRateLimiting(WebhookRateLimit.Policy);
        group.MapGet("/", ListAsync).RequireAuthorization(Auth.AuthPolicies.Operator);
        return group;
    }

    /// <summary>
    /// Alertmanager retries 5xx and drops 4xx for good, so: 202 once durably recorded, 422 when an
    /// alert names an unknown cluster (the others are still handled), 503 when the store cannot take it.
    /// </summary>
    private static async Task<Results<Accepted<AlertAnswer>, ProblemHttpResult>> ReceiveAsync(
        JsonBody<AlertmanagerPayload> body, AlertIntake intake, CancellationToken cancellationToken)
    {
        try
        {
            var entry = await intake.AcceptAsync(body.Value!, body.Raw, cancellationToken);
            if (entry.StatusCode == StatusCodes.Status202Accepted)
                return TypedResults.Accepted((string?)null, new AlertAnswer(entry.Id, entry.Alerts));
            var unknown = entry.Alerts.Where(a => a.Disposition == Dispositions.UnknownCluster).Select(a => a.Reason).Distinct();
            return TypedResults.Problem(statusCode: entry.StatusCode, title: "An alert names an unknown cluster",
                detail: string.Join("; ", unknown) + ". The other alerts of this delivery were handled.",
                // A List: an extension is written as its runtime type, which must be one AlertJson knows.
                extensions: new Dictionary<string, object?> { ["id"] = entry.Id, ["alerts"] = entry.Alerts.ToList() });
        }
        catch (IntakeUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The run store cannot take the alert",
                detail: $"{e.InnerException?.Message} Alertmanager will retry.");
        }
    }

    private static async Task<Results<Ok<List<AlertAuditEntry>>, ValidationProblem>> ListAsync(string? limit, AlertAuditStore audit,
        CancellationToken cancellationToken)
    {
        if (ListLimit.Parse(limit, out var count) is { } problem) return problem;
        return TypedResults.Ok(await audit.ListAsync(count, cancellationToken));
    }

    /// <summary>Audits deliveries that validation turned away, so a dropped alert can still be found.</summary>
    private sealed class AuditRejectionFilter(AlertIntake intake) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var result = await next(context);
            if (result is IStatusCodeHttpResult { StatusCode: >= 400 and < 500 and not 422 } rejected)
            {
                var body = context.Arguments.OfType<JsonBody<AlertmanagerPayload>>().Single();
                var error = string.Join("; ", body.Errors.Concat(result is ValidationProblem v ? v.ProblemDetails.Errors : [])
                    .Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
                await intake.AuditRejectionAsync(rejected.StatusCode!.Value, body.Value, error, body.Raw, context.HttpContext.RequestAborted);
            }
            return result;
        }
    }
}
