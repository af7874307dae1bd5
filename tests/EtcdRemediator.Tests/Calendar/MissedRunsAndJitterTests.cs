using EtcdRemediator.Calendar;

namespace EtcdRemediator.Tests.Calendar;

public sealed class MissedRunsAndJitterTests
{
    private static readonly CronSchedule WeeklyDefrag = CronSchedule.Parse("0 3 * * 0"); // Sundays 03:00 UTC
    private static readonly DateTimeOffset Sunday = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromHours(2);

    public static TheoryData<string, DateTimeOffset?, DateTimeOffset, DateTimeOffset?> Cases => new()
    {
        { "never seen: owes nothing", null, Sunday.AddHours(1), null },
        { "up the whole time: nothing missed", Sunday, Sunday.AddHours(1), null },
        { "down across Sunday 03:00, back at 04:00: runs once", Sunday.AddDays(-7), Sunday.AddHours(1), Sunday },
        { "back at 06:00, beyond the 2 h grace: skipped", Sunday.AddDays(-7), Sunday.AddHours(3), null },
        { "down for three weeks: only the latest, and only if recent", Sunday.AddDays(-21), Sunday.AddMinutes(30), Sunday },
        { "down for three weeks, back mid-week: nothing", Sunday.AddDays(-21), Sunday.AddDays(3), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AScheduleMissedWhileDownRunsAtMostOnceAndOnlyWithinTheGrace(string because, DateTimeOffset? lastDue, DateTimeOffset now, DateTimeOffset? expected)
    {
        Assert.True(expected == MissedRuns.CatchUp(WeeklyDefrag, lastDue, now, Grace), because);
    }

    [Fact]
    public void ASecondsCronMissedThousandsOfTimesOwesOneRunTheLatest()
    {
        var everySecond = CronSchedule.Parse("* * * * * *");
        var last = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

        var owed = MissedRuns.CatchUp(everySecond, last, last.AddHours(1), Grace);

        Assert.Equal(last.AddHours(1), owed);
    }

    [Fact]
    public void JitterStaysWithinItsBoundsAndSpreadsOverThem()
    {
        var random = new Random(42);
        var max = TimeSpan.FromMinutes(2);

        var delays = Enumerable.Range(0, 10_000).Select(_ => Jitter.Next(max, random)).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, max));
        Assert.True(delays.Min() < TimeSpan.FromSeconds(2) && delays.Max() > TimeSpan.FromSeconds(118), "spread over the whole range");
        Assert.Equal(TimeSpan.Zero, Jitter.Next(TimeSpan.Zero, random));
    }
}
