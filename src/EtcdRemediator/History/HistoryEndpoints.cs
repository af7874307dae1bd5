using System.Globalization;
using System.Text.RegularExpressions;
using EtcdRemediator.Clusters;
using EtcdRemediator.Etcd;
using EtcdRemediator.Http;
using EtcdRemediator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EtcdRemediator.History;

internal sealed record HistorySampleView(DateTimeOffset At, long DbSize, long DbSizeInUse, long Quota, bool Leader, IReadOnlyList<string> Alarms);

internal sealed record MemberHistoryView(string Id, string Name, IReadOnlyList<HistorySampleView> Samples);

/// <param name="BucketSeconds">Each sample is the mean of this span; 0 when the samples are as kept (each reading, or an
/// hour's mean where older than 48 h).</param>
internal sealed record ClusterHistoryView(
    string Cluster, DateTimeOffset Since, DateTimeOffset Until, double BucketSeconds, IReadOnlyList<MemberHistoryView> Members);

/// <summary>
/// GET /api/v1/clusters/{cluster}/history?since=: what the watch read, per member. The answer is
/// bounded: at most <see cref="MaxSamplesPerMember"/> samples a member (longer spans are answered with
/// the means of equal buckets), about 150 KB a member at most.
/// </summary>
internal static partial class HistoryEndpoints
{
    public const int MaxSamplesPerMember = 1000;
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(24);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$")]
    private static partial Regex Iso8601();

    public static RouteGroupBuilder MapHistoryEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/clusters").WithTags("History").RequireAuthorization(Auth.AuthPolicies.Operator);
        group.MapGet("/{cluster}/history", GetAsync);
        return group;
    }

    private static async Task<Results<Ok<ClusterHistoryView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string cluster, string? since, EtcdClusterRegistry clusters, HistoryStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow();
        var from = until - DefaultSpan;
        if (since is not null && !TryParseSince(since, until, out from, out var problem))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["since"] = [problem] });
        if (clusters.Find(cluster) is not { } target) return Problems.UnknownCluster(cluster);
        try
        {
            var (members, bucket) = await store.ReadAsync(target.Name, from, until, MaxSamplesPerMember, cancellationToken);
            return TypedResults.Ok(new ClusterHistoryView(target.Name, from, until, Math.Round(bucket.TotalSeconds, 3),
                [.. members.Select(m => new MemberHistoryView(MemberId.ToHex(m[0].MemberId), m[0].MemberName,
                    [.. m.Select(s => new HistorySampleView(s.At, s.DbSize, s.DbSizeInUse, s.Quota, s.Leader, AlarmBits.Names(s.Alarms)))]))]));
        }
        catch (StoreUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The run store cannot be read",
                detail: e.Message);
        }
    }

    /// <summary>An ISO-8601 date or time ("2026-05-01", "2026-05-01T08:00:00Z", with an offset); without one, UTC. Not after now.</summary>
    private static bool TryParseSince(string text, DateTimeOffset now, out DateTimeOffset since, out string problem)
    {
        problem = "must be an ISO-8601 date or time, such as 2026-05-01T08:00:00Z";
        if (!Iso8601().IsMatch(text.Trim())
            || !DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out since))
        {
            since = default;
            return false;
        }
        problem = $"must not be after now ({now:O})";
        return since <= now;
    }
}
