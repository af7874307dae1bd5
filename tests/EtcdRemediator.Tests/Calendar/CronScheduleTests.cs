using EtcdRemediator.Calendar;

namespace EtcdRemediator.Tests.Calendar;

public sealed class CronScheduleTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s = 0) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    [Theory]
    [InlineData("0 3 * * 0", "2026-11-26T12:00:00Z", "2026-11-29T03:00:00Z")] // five fields: Sundays 03:00
    [InlineData("*/10 * * * * *", "2026-11-26T12:00:01Z", "2026-11-26T12:00:10Z")] // six: seconds first
    [InlineData("@daily", "2026-11-26T12:00:00Z", "2026-11-27T00:00:00Z")]
    public void TheNextOccurrenceFollowsTheExpression(string cron, string from, string expected)
    {
        var schedule = CronSchedule.Parse(cron);

        Assert.Equal(DateTimeOffset.Parse(expected), schedule.NextAfter(DateTimeOffset.Parse(from)));
    }

    [Fact]
    public void ADailyRunInBerlinKeepsItsWallClockTimeAcrossTheAutumnChange()
    {
        // Europe/Berlin leaves summer time on 2026-10-25 at 03:00 CEST (01:00 UTC).
        var schedule = CronSchedule.Parse("0 3 * * *", "Europe/Berlin");

        var before = schedule.NextAfter(Utc(2026, 10, 24, 0, 0))!.Value;
        var after = schedule.NextAfter(Utc(2026, 10, 25, 12, 0))!.Value;

        Assert.Equal(Utc(2026, 10, 24, 1, 0), before.ToUniversalTime()); // 03:00 CEST
        Assert.Equal(Utc(2026, 10, 26, 2, 0), after.ToUniversalTime()); // 03:00 CET
    }

    [Fact]
    public void ARunAtALocalTimeTheSpringChangeSkipsRunsOnceRightAfterIt()
    {
        // 2026-03-29: Berlin's clocks jump from 02:00 to 03:00; 02:30 does not exist that night.
        var schedule = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");

        var occurrences = schedule.Between(Utc(2026, 3, 28, 0, 0), Utc(2026, 3, 30, 12, 0)).Select(o => o.ToUniversalTime()).ToList();

        Assert.Equal([Utc(2026, 3, 28, 1, 30), Utc(2026, 3, 29, 1, 0), Utc(2026, 3, 30, 0, 30)], occurrences);
    }

    [Theory]
    [InlineData("0 3 * *", "fields")]
    [InlineData("61 3 * * *", "not a cron expression")]
    [InlineData("", "empty")]
    public void ABadExpressionSaysWhatIsWrong(string cron, string problemPart)
    {
        Assert.False(CronSchedule.TryParse(cron, "UTC", out _, out var problem));
        Assert.Contains(problemPart, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownTimeZoneIsRefusedAndUtcNeedsNoLookup()
    {
        Assert.False(CronSchedule.TryParse("0 3 * * *", "Europe/Nowhere", out _, out var problem));
        Assert.Contains("Europe/Nowhere", problem, StringComparison.Ordinal);
        Assert.True(CronSchedule.TryFindZone(null, out var utc));
        Assert.Equal(TimeZoneInfo.Utc, utc);
    }
}
