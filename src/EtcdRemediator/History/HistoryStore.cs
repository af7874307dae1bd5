using EtcdRemediator.Storage;
using Microsoft.Data.Sqlite;

namespace EtcdRemediator.History;

/// <summary>
/// The watch's readings per member, in the run store's table <c>member_samples</c>: every reading for
/// <see cref="FullResolution"/>, then one mean per hour for <see cref="HourlyRetention"/>. The roll-up
/// runs with a cluster's inserts (at most every <see cref="RollUpEvery"/>) and takes whole hours only,
/// so an hour's mean is made once, from all of its readings; rows of any cluster (one no longer
/// configured too) go after 90 days. Rows come only with readings, so the table is bounded by
/// members x (raw rows of 49 h 10 min + 2161 hourly rows); docs/configuration.md, "History", has the figures.
/// </summary>
internal sealed class HistoryStore(RemediatorDatabase database)
{
    public static readonly TimeSpan FullResolution = TimeSpan.FromHours(48);
    public static readonly TimeSpan HourlyRetention = TimeSpan.FromDays(90);
    public static readonly TimeSpan RollUpEvery = TimeSpan.FromMinutes(10);
    private const long HourMs = 3_600_000;

    private long _lastRollUpMs;

    public async Task AppendAsync(string cluster, IReadOnlyList<MemberSample> samples, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        // Also when the clock was set back further than that since the last one: a clock corrected from a year ahead would
        // otherwise stop the roll-up and the pruning for a year. (Not for the seconds between clusters' readings.)
        var sinceRollUp = nowMs - Interlocked.Read(ref _lastRollUpMs);
        var rollUp = Math.Abs(sinceRollUp) >= (long)RollUpEvery.TotalMilliseconds;
        // One statement for all rows: the driver binds parameters per statement.
        var sql = "INSERT OR REPLACE INTO member_samples "
            + "(cluster, hourly, at, member_id, member_name, db_size, db_size_in_use, quota, leader, alarms, clock_epoch) VALUES "
            + string.Join(", ", samples.Select((_, i) =>
                $"($cluster, 0, $at{i}, $id{i}, $name{i}, $size{i}, $inUse{i}, $quota{i}, $leader{i}, $alarms{i}, $epoch{i})")) + ";";
        if (rollUp) sql += """
        INSERT OR REPLACE INTO member_samples
            (cluster, hourly, at, member_id, member_name, db_size, db_size_in_use, quota, leader, alarms, clock_epoch)
        SELECT cluster, 1, (at / 3600000) * 3600000, member_id, max(member_name), CAST(avg(db_size) AS INTEGER), CAST(avg(db_size_in_use) AS INTEGER),
               max(quota), max(leader), max(alarms & 1) | max(alarms & 2), clock_epoch
        FROM member_samples WHERE cluster = $cluster AND hourly = 0 AND at < $rollBefore GROUP BY at / 3600000, member_id, clock_epoch;
        DELETE FROM member_samples WHERE cluster = $cluster AND hourly = 0 AND at < $rollBefore;
        DELETE FROM member_samples WHERE at < $keepFrom;
        """;
        await database.WriteAsync(sql, command =>
        {
            command.Parameters.AddWithValue("$cluster", cluster);
            for (var i = 0; i < samples.Count; i++)
            {
                var s = samples[i];
                command.Parameters.AddWithValue($"$at{i}", s.At.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue($"$id{i}", unchecked((long)s.MemberId));
                command.Parameters.AddWithValue($"$name{i}", s.MemberName);
                command.Parameters.AddWithValue($"$size{i}", s.DbSize);
                command.Parameters.AddWithValue($"$inUse{i}", s.DbSizeInUse);
                command.Parameters.AddWithValue($"$quota{i}", s.Quota);
                command.Parameters.AddWithValue($"$leader{i}", s.Leader ? 1 : 0);
                command.Parameters.AddWithValue($"$alarms{i}", s.Alarms);
                command.Parameters.AddWithValue($"$epoch{i}", s.ClockEpoch);
            }
            if (!rollUp) return;
            // Whole hours only: the cut-off is an hour's start, so no hour is rolled up in two parts.
            command.Parameters.AddWithValue("$rollBefore", (nowMs - (long)FullResolution.TotalMilliseconds) / HourMs * HourMs);
            command.Parameters.AddWithValue("$keepFrom", nowMs - (long)HourlyRetention.TotalMilliseconds);
        }, cancellationToken);
        if (rollUp) Interlocked.Exchange(ref _lastRollUpMs, nowMs);
    }

    /// <summary>
    /// Each member's samples from <paramref name="since"/> to <paramref name="until"/> by the time read, in
    /// arrival order (clock epoch, then time: after a step back of the clock, times go back once), at most
    /// <paramref name="maxPerMember"/> (+1 per epoch) each: when a member has more, the means of equal time
    /// buckets over the span the samples cover, never across epochs (their width is returned; zero when none
    /// was needed). Members are named by their latest name.
    /// </summary>
    public async Task<(IReadOnlyList<IReadOnlyList<MemberSample>> Members, TimeSpan Bucket)> ReadAsync(
        string cluster, DateTimeOffset since, DateTimeOffset until, int maxPerMember, CancellationToken cancellationToken)
    {
        var from = since.ToUnixTimeMilliseconds();
        var to = until.ToUnixTimeMilliseconds();
        var extent = (await database.QueryAsync("""
            SELECT coalesce(max(n), 0), coalesce(min(first), 0), coalesce(max(last), 0) FROM (
                SELECT count(*) AS n, min(at) AS first, max(at) AS last FROM member_samples
                WHERE cluster = $cluster AND hourly IN (0, 1) AND at >= $from AND at <= $to GROUP BY member_id)
            """, command => Bind(command, cluster, from, to), r => (Count: r.GetInt64(0), First: r.GetInt64(1), Last: r.GetInt64(2)),
            cancellationToken))[0];
        var width = extent.Count <= maxPerMember ? 1 : Math.Max(1, (extent.Last - extent.First + maxPerMember) / maxPerMember);
        from = extent.Count <= maxPerMember ? from : extent.First;
        var rows = await database.QueryAsync("""
            SELECT member_id, max(member_name), CAST(avg(at) AS INTEGER) AS t, CAST(avg(db_size) AS INTEGER), CAST(avg(db_size_in_use) AS INTEGER),
                   max(quota), max(leader), max(alarms & 1) | max(alarms & 2), clock_epoch
            FROM member_samples WHERE cluster = $cluster AND hourly IN (0, 1) AND at >= $from AND at <= $to
            GROUP BY member_id, clock_epoch, (at - $from) / $width ORDER BY member_id, clock_epoch, t
            """,
            command =>
            {
                Bind(command, cluster, from, to);
                command.Parameters.AddWithValue("$width", width);
            }, Read, cancellationToken);
        var members = rows.GroupBy(r => r.MemberId)
            .Select(g => (Name: g.Last().MemberName, Samples: g))
            .Select(g => (IReadOnlyList<MemberSample>)[.. g.Samples.Select(s => s.MemberName == g.Name ? s : s with { MemberName = g.Name })])
            .OrderBy(g => g[0].MemberName, StringComparer.Ordinal)
            .ToList();
        return (members, TimeSpan.FromMilliseconds(width == 1 ? 0 : width));
    }

    /// <summary>The time and clock epoch of the cluster's last kept reading (null when none): where its recorder goes on from.</summary>
    public async Task<(DateTimeOffset At, int ClockEpoch)?> LastKeptAsync(string cluster, CancellationToken cancellationToken)
    {
        var rows = await database.QueryAsync(
            "SELECT at, clock_epoch FROM member_samples WHERE cluster = $cluster ORDER BY clock_epoch DESC, at DESC LIMIT 1",
            command => command.Parameters.AddWithValue("$cluster", cluster),
            r => (DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), (int)r.GetInt64(1)), cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    private static void Bind(SqliteCommand command, string cluster, long from, long to)
    {
        command.Parameters.AddWithValue("$cluster", cluster);
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
    }

    private static MemberSample Read(SqliteDataReader r) => new(
        unchecked((ulong)r.GetInt64(0)), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6) != 0, (int)r.GetInt64(7), (int)r.GetInt64(8));
}
