using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.Forecasting;

/// <summary>
/// The forecast acting, wired as the service wires it (the watch's readings through the history, the
/// forecast book and the responder, into the real coordinator on a real store): a file that grows on
/// free pages toward its quota gets a defrag early; growing data gets none.
/// </summary>
public sealed class ForecastResponderTests
{
    /// <summary>Twelve readings five minutes apart: the file grows 5 MB each, the data as <paramref name="inUseGrowthMb"/> says.</summary>
    private static async Task FeedAsync(ForecastWiring wiring, int inUseGrowthMb)
    {
        for (var i = 0; i < 12; i++)
        {
            var (file, inUse) = (100 + 5 * i, 40 + inUseGrowthMb * i);
            var state = Cluster().Leader(1).Member(1, file, inUse).Member(2, file, inUse).Member(3, file, inUse).Build() with { ReadAt = ForecastWiring.T0.AddMinutes(5 * i) };
            wiring.Harness.Time.SetUtcNow(state.ReadAt);
            await wiring.ObserveAsync(state);
        }
    }

    [Fact]
    public async Task AFileGrowingOnFreePagesTowardItsQuotaGetsAnEarlyDefragOfEveryMember()
    {
        await using var wiring = await ForecastWiring.OpenAsync(remediate: true);
        await FeedAsync(wiring, inUseGrowthMb: 0);

        var run = Assert.Single(await wiring.Harness.Store.ListAsync("lab", 10, CancellationToken.None));
        Assert.Equal((RemediationAction.Defrag, TriggerKind.Forecast, true), (run.Action, run.Trigger.Kind, run.IgnoreThresholds));
        Assert.Contains("on free pages", run.Trigger.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrowingDataStartsNothing()
    {
        await using var wiring = await ForecastWiring.OpenAsync(remediate: true);
        await FeedAsync(wiring, inUseGrowthMb: 5);

        Assert.Empty(await wiring.Harness.Store.ListAsync("lab", 10, CancellationToken.None));
    }
}
