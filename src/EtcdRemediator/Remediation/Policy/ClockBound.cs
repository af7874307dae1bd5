namespace EtcdRemediator.Remediation.Policy;

/// <summary>
/// Clocks jump (NTP corrects a node that ran a day ahead). A time stored while the clock was ahead must not hold
/// anything back longer than its own rule allows: what starts at <c>since</c> and lasts <c>period</c> ends at most
/// <c>period</c> after now.
/// </summary>
internal static class ClockBound
{
    public static DateTimeOffset? Until(DateTimeOffset? since, TimeSpan period, DateTimeOffset now) =>
        since is { } start ? Min(start + period, now + period) : null;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
