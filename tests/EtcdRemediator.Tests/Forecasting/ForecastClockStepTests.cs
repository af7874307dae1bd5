using EtcdRemediator.Forecasting;
using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.Forecasting;

/// <summary>
/// Issue 34, 6(b), wired as the service wires it (the watch's readings through the history's recorder, the forecast
/// book and the responder, on a real store): the wall clock set back an hour froze the history and the forecast with
/// it, so the member growing toward its quota got no warning for the length of the step.
/// </summary>
public sealed class ForecastClockStepTests
{
    [Fact]
    public async Task AfterTheClockIsSetBackAnHourTheHistoryKeepsRecordingAndTheForecastWarnsAsBefore()
    {
        await using var wiring = await ForecastWiring.OpenAsync(remediate: false);
        // The fake clock is the time that passes, a reading each 5 minutes; the wall clock is set back an hour after the second.
        var clock = new FakeTimeProvider(ForecastWiring.T0);

        for (var i = 0; i < 6; i++)
        {
            // The file and the data grow 5 MB a reading: the data's growth, which a defrag cannot help, is a warning per member.
            var wall = clock.GetUtcNow() - (i < 2 ? TimeSpan.Zero : TimeSpan.FromHours(1));
            var state = Cluster().Leader(1).Member(1, 100 + 5 * i, 40 + 5 * i).Member(2, 100 + 5 * i, 40 + 5 * i)
                .Member(3, 100 + 5 * i, 40 + 5 * i).Build() with { ReadAt = wall };
            await wiring.ObserveAsync(state);
            if (i == 1) Assert.Null(wiring.Book.Of("lab", 1)); // two readings are too few for a forecast
            clock.Advance(TimeSpan.FromMinutes(5));
        }

        var (members, _) = await wiring.History.ReadAsync("lab", ForecastWiring.T0.AddHours(-2), ForecastWiring.T0.AddHours(1), 100, CancellationToken.None);
        Assert.All(members, m => Assert.Equal(6, m.Count));
        Assert.Equal(ForecastCause.Data, Assert.IsType<MemberForecast>(wiring.Book.Of("lab", 1)).Cause);
        Assert.Equal(3, wiring.ResponderLog.Warnings.Count(w => w.StartsWith("Forecast for lab: member m", StringComparison.Ordinal)));
        Assert.Contains("for cluster lab", Assert.Single(wiring.RecorderLog.Warnings), StringComparison.Ordinal);
    }
}
