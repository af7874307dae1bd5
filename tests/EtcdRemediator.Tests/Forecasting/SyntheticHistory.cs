using EtcdRemediator.History;

namespace EtcdRemediator.Tests.Forecasting;

/// <summary>
/// Synthetic histories for the forecaster: a reading a minute of member m1, sizes in MB as functions of the hours
/// since the first reading, a 2 GiB quota, the 6 h window; the fake clock is the time that passes.
/// </summary>
internal static class SyntheticHistory
{
    public const long MB = 1 << 20;
    public const long Quota = 2048 * MB;
    public static readonly TimeSpan Window = TimeSpan.FromHours(6);

    /// <summary>
    /// The readings of <paramref name="span"/> and the moment of the last. The wall clock the readings carry is the fake
    /// clock less the <paramref name="steps"/> back taken so far, and each step starts a clock epoch, as the history's
    /// recorder numbers them.
    /// </summary>
    public static (List<MemberSample> History, DateTimeOffset Now) Readings(TimeSpan span, Func<double, double> file, Func<double, double> inUse,
        params (double AtHour, TimeSpan Back)[] steps)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var start = clock.GetUtcNow();
        var history = new List<MemberSample>();
        for (var minute = 0; minute <= span.TotalMinutes; minute++)
        {
            var hours = (clock.GetUtcNow() - start).TotalHours;
            var taken = steps.Where(s => s.AtHour <= hours).ToList();
            var wall = clock.GetUtcNow() - taken.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Back);
            history.Add(new MemberSample(1, "m1", wall, (long)(file(hours) * MB), (long)(inUse(hours) * MB), Quota, false, 0, ClockEpoch: taken.Count));
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        return (history, history[^1].At);
    }
}
