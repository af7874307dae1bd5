namespace EtcdRemediator.Calendar;

/// <summary>What a schedule owes after the service was down: at most one run, and only a recent one.</summary>
internal static class MissedRuns
{
    /// <summary>
    /// The occurrence to run now, or null. <paramref name="lastDue"/> is the last occurrence the schedule
    /// fired for (null: never seen, nothing is owed). Of the occurrences missed since, only the latest one
    /// within <paramref name="grace"/> of now is run, once: a weekly defrag missed by an hour runs; one
    /// missed by a week does not, and a seconds-level cron missed 10,000 times runs once, not 10,000 times.
    /// </summary>
    public static DateTimeOffset? CatchUp(CronSchedule schedule, DateTimeOffset? lastDue, DateTimeOffset now, TimeSpan grace)
    {
        if (lastDue is not { } last || schedule.NextAfter(last) is not { } firstMissed || firstMissed > now) return null;
        var from = firstMissed > now - grace ? firstMissed : now - grace;
        DateTimeOffset? latest = null;
        foreach (var occurrence in schedule.Between(from, now)) latest = occurrence;
        return latest;
    }
}

/// <summary>Spreads scheduled runs: many clusters on one cron do not all start in the same second.</summary>
internal static class Jitter
{
    /// <summary>Uniform in [0, <paramref name="max"/>].</summary>
    public static TimeSpan Next(TimeSpan max, Random random) =>
        max <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks((long)(random.NextDouble() * max.Ticks));
}
