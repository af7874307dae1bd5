using System.Globalization;
using System.Threading.RateLimiting;
using EtcdRemediator.Configuration;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Alerts;

/// <summary>
/// Deliveries per webhook token and client address: <c>Alerts:MaxDeliveriesPerSecond</c>, with bursts of five
/// seconds' worth. Past it the answer is 503 with Retry-After, which Alertmanager retries (a 429 it would drop
/// for good), and nothing is audited: one token cannot flood the store or the disk it shares with the
/// snapshots. Per address too, because one budget per token let whoever stole it get Alertmanager's own
/// deliveries 503'd (#38); from many addresses the audit's own bound (Storage:AuditMaxBytes) still holds.
/// 0 turns the limit off.
/// </summary>
internal static class WebhookRateLimit
{
    public const string Policy = "webhook-deliveries";

    public static IServiceCollection AddWebhookRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.AddPolicy(Policy, context =>
            {
                var perSecond = context.RequestServices.GetRequiredService<IOptions<RemediatorOptions>>().Value.Alerts.MaxDeliveriesPerSecond;
                var holder = $"{context.User.Identity?.Name ?? "anonymous"} from {Auth.ClientAddress.KeyOf(context.Connection.RemoteIpAddress)}";
                return perSecond <= 0
                    ? RateLimitPartition.GetNoLimiter(holder)
                    : RateLimitPartition.GetTokenBucketLimiter(holder, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perSecond * 5,
                        TokensPerPeriod = perSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))
                    : 1;
                http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many deliveries",
                    detail: $"{http.User.Identity?.Name ?? "this client"} from {http.Connection.RemoteIpAddress} sent more than " +
                        "Remediator:Alerts:MaxDeliveriesPerSecond allows; " +
                            $"nothing of this delivery was recorded; Alertmanager retries it").ExecuteAsync(http);
            };
        });
}
