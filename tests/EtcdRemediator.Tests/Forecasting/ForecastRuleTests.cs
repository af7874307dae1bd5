using EtcdRemediator.Calendar;
using EtcdRemediator.Forecasting;

namespace EtcdRemediator.Tests.Forecasting;

/// <summary>What a forecast asks for: a defrag early, a word to on-call people, or nothing.</summary>
public sealed class ForecastRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly PolicyOptions Policy = new();
    private const long Quota = 8L << 30;

    private static MemberForecast Forecast(double hoursAway, ForecastCause cause, double inUseMiBPerHour = 0) =>
        new(Now.AddHours(hoursAway), cause, FileBytesPerHour: 64 << 20, InUseBytesPerHour: inUseMiBPerHour * (1 << 20), Quota);

    // The forecast wrapped, the verdict by name: the service's types are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<string, Arg, long, string, string> Cases => new()
    {
        { "fragmentation within the horizon, little data: defrag now", Arg.Of(Forecast(10, ForecastCause.Fragmentation)), 1L << 30, nameof(ForecastVerdict.DefragEarly), "on free pages" },
        { "fragmentation beyond the horizon: not yet", Arg.Of(Forecast(30, ForecastCause.Fragmentation)), 1L << 30, nameof(ForecastVerdict.Nothing), "beyond the horizon" },
        { "the data grows: a defrag is in vain, more quota", Arg.Of(Forecast(10, ForecastCause.Data, inUseMiBPerHour: 50)), 6L << 30, nameof(ForecastVerdict.Tell), "raise --quota-backend-bytes to at least" },
        { "fragmentation, but the data fills most of the bar: no room to spare", Arg.Of(Forecast(10, ForecastCause.Fragmentation)), 5L << 30, nameof(ForecastVerdict.Tell), "a defrag would leave little room" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachForecastAsksForWhatWouldHelp(string because, Arg forecastArg, long inUse, string verdictName, string says)
    {
        var (forecast, verdict) = (forecastArg.As<MemberForecast>(), Enum.Parse<ForecastVerdict>(verdictName));
        var decision = ForecastRule.Decide(forecast, inUse, Policy, TimeSpan.FromHours(24), Now);

        Assert.True(verdict == decision.Verdict, $"{because}: got {decision}");
        Assert.Contains(says, decision.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSuggestedQuotaHoldsThirtyDaysOfTheGrowthUnderTheDisarmBar()
    {
        var decision = ForecastRule.Decide(Forecast(10, ForecastCause.Data, inUseMiBPerHour: 10), 6L << 30, Policy, TimeSpan.FromHours(24), Now);

        // 6 GiB + 30 days x 10 MiB/h = 13.03 GiB; under a 0.9 bar: 14.5 GiB, rounded up to 15 GiB.
        Assert.Contains($"at least {15L << 30}", decision.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void AForecastRunThatMustStartBeforeTheNextWindowDoesNotWaitForItOthersDo()
    {
        var window = new WindowState(true, false, null, Now.AddDays(2));
        var trigger = new RunTrigger(TriggerKind.Forecast, "m2 reaches its quota");

        Assert.False(DeferralRule.Defers(new RunRequest("lab", RemediationAction.Defrag, false, false, trigger, MustStartBy: Now.AddHours(10)), window));
        Assert.True(DeferralRule.Defers(new RunRequest("lab", RemediationAction.Defrag, false, false, trigger, MustStartBy: Now.AddDays(3)), window));
    }
}
