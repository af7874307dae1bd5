using EtcdRemediator.Calendar;

namespace EtcdRemediator.Tests.Calendar;

public sealed class MaintenanceWindowTests
{
    private static DateTimeOffset Utc(int d, int h, int mi) => new(2026, 11, d, h, mi, 0, TimeSpan.Zero);

    /// <summary>Saturdays 01:00-05:00 UTC (2026-11-28 is a Saturday).</summary>
    private static readonly MaintenanceWindows Saturdays = new([new MaintenanceWindow(CronSchedule.Parse("0 1 * * 6"), TimeSpan.FromHours(4))]);

    private static readonly DateTimeOffset NextSaturday = new(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);

    public static TheoryData<DateTimeOffset, bool, DateTimeOffset?, DateTimeOffset> Instants => new()
    {
        { Utc(27, 23, 0), false, null, Utc(28, 1, 0) },        // Friday night: closed, opens Saturday 01:00
        { Utc(28, 1, 0), true, Utc(28, 5, 0), NextSaturday },   // the opening instant is inside
        { Utc(28, 4, 59), true, Utc(28, 5, 0), NextSaturday },
        { Utc(28, 5, 0), false, null, NextSaturday },          // [opens, opens + duration): closed at 05:00
    };

    [Theory]
    [MemberData(nameof(Instants))]
    public void AWindowIsOpenFromItsCronForItsDuration(DateTimeOffset now, bool open, DateTimeOffset? until, DateTimeOffset nextOpens)
    {
        var state = Saturdays.StateAt(now);

        Assert.True(state.Configured);
        Assert.Equal(open, state.Open);
        Assert.Equal(until, state.OpenUntil);
        Assert.Equal(nextOpens, state.NextOpensAt);
    }

    [Fact]
    public void NoWindowMeansAlwaysOpen()
    {
        var state = MaintenanceWindows.AlwaysOpen.StateAt(Utc(26, 12, 0));

        Assert.False(state.Configured);
        Assert.True(state.Open);
        Assert.Null(state.NextOpensAt);
    }

    [Fact]
    public void OfTwoWindowsTheEarlierOpeningIsTheNext()
    {
        var windows = new MaintenanceWindows([
            new MaintenanceWindow(CronSchedule.Parse("0 1 * * 6"), TimeSpan.FromHours(4)),
            new MaintenanceWindow(CronSchedule.Parse("0 22 * * 3"), TimeSpan.FromHours(1)), // Wednesdays 22:00
        ]);

        Assert.Equal(new DateTimeOffset(2026, 12, 2, 22, 0, 0, TimeSpan.Zero), windows.NextOpening(Utc(28, 6, 0)));
        Assert.True(windows.IsOpen(new DateTimeOffset(2026, 12, 2, 22, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void AWindowInALocalZoneOpensAtLocalTimeOnBothSidesOfADaylightSavingChange()
    {
        // Sundays 02:00-04:00 in New York; US clocks fall back on 2026-11-01 (EDT -4 -> EST -5).
        var windows = new MaintenanceWindows([new MaintenanceWindow(CronSchedule.Parse("0 2 * * 0", "America/New_York"), TimeSpan.FromHours(2))]);

        Assert.True(windows.IsOpen(new DateTimeOffset(2026, 10, 25, 6, 30, 0, TimeSpan.Zero)));   // 02:30 EDT
        Assert.False(windows.IsOpen(new DateTimeOffset(2026, 11, 8, 6, 30, 0, TimeSpan.Zero)));   // 01:30 EST: not yet
        Assert.True(windows.IsOpen(new DateTimeOffset(2026, 11, 8, 7, 30, 0, TimeSpan.Zero)));    // 02:30 EST
    }
}
