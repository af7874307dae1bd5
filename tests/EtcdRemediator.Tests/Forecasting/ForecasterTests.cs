using EtcdRemediator.Forecasting;
using EtcdRemediator.History;
using static EtcdRemediator.Tests.Forecasting.SyntheticHistory;

namespace EtcdRemediator.Tests.Forecasting;

/// <summary>
/// Forecasts on synthetic histories: a reading a minute for the 6 h window, sizes in MB as functions
/// of the hours since the window began, a 2 GiB quota; the clock is a fake one the readings advance.
/// </summary>
public sealed class ForecasterTests
{
    /// <summary>The history <paramref name="file"/> and <paramref name="inUse"/> (MB, by hour) describe, and the moment of its last reading.</summary>
    private static (List<MemberSample> History, DateTimeOffset Now) Readings(Func<double, double> file, Func<double, double> inUse, TimeSpan? span = null) =>
        SyntheticHistory.Readings(span ?? Window, file, inUse);

    private static void AssertHoursAhead(double expected, MemberForecast forecast, DateTimeOffset now, double tolerance = 0.01) =>
        Assert.InRange((forecast.QuotaReachedAt - now).TotalHours, expected * (1 - tolerance), expected * (1 + tolerance));

    [Fact]
    public void SteadyGrowthOfTheDataIsForecastAsDataWhereTheFileCrossesTheQuota()
    {
        // In use 500 MB + 20 MB/h, the file 100 MB above it: at 6 h the file is 720 MB, (2048 - 720) / 20 h away.
        var (history, now) = Readings(file: h => 600 + 20 * h, inUse: h => 500 + 20 * h);

        var forecast = Forecaster.Of(history, now, Window)!;

        AssertHoursAhead((2048 - 720) / 20.0, forecast, now);
        Assert.Equal(ForecastCause.Data, forecast.Cause);
        Assert.Equal(20 * MB, forecast.InUseBytesPerHour, 0.001 * MB);
    }

    [Fact]
    public void DefragDropsAreNotGrowthNorShrinkThePredictionTheFileSinceTheLastDropIs()
    {
        // Data flat at 300 MB; the file grows 50 MB/h and is defragmented back to 310 MB at 2 h and 4 h.
        static double File(double h) => h < 2 ? 410 + 50 * h : 310 + 50 * (h < 4 ? h - 2 : h - 4);
        var (history, now) = Readings(file: File, inUse: _ => 300);

        var forecast = Forecaster.Of(history, now, Window)!;

        AssertHoursAhead((2048 - 410) / 50.0, forecast, now);
        Assert.Equal(ForecastCause.Fragmentation, forecast.Cause);
        Assert.Equal(50 * MB, forecast.FileBytesPerHour, 0.001 * MB);
        // A fit over the whole window, drops and all, reads this growing file as shrinking: no warning at all.
        Assert.True(LinearFit.Of([.. history.Select(s => (s.At, (double)s.DbSize))]).Slope < 0);
    }

    [Fact]
    public void CompactionStepsAroundAFlatTrendAreNoGrowth()
    {
        // In use climbs 30 MB in each 10 minutes and compaction takes it back; the file reuses its free pages.
        var (history, now) = Readings(file: _ => 800, inUse: h => 500 + 30 * (h * 6 % 1));

        Assert.Null(Forecaster.Of(history, now, Window));
    }

    [Fact]
    public void CompactionStepsOnARisingTrendAreData()
    {
        // The same saw on 40 MB/h of real growth; the file has room (free pages) and stays flat.
        var (history, now) = Readings(file: _ => 1200, inUse: h => 500 + 40 * h + 30 * (h * 6 % 1));

        var forecast = Forecaster.Of(history, now, Window)!;

        Assert.Equal(ForecastCause.Data, forecast.Cause);
        // The data's line reaches the quota: in use ends near 755 MB (740 + the saw's mean 15).
        AssertHoursAhead((2048 - 755) / 40.0, forecast, now, tolerance: 0.03);
    }

    [Fact]
    public void AFlatMemberHasNoForecast()
    {
        var (history, now) = Readings(file: _ => 900, inUse: _ => 450);

        Assert.Null(Forecaster.Of(history, now, Window));
    }

    [Fact]
    public void AShrinkingMemberHasNoForecast()
    {
        var (history, now) = Readings(file: _ => 900, inUse: h => 800 - 30 * h);

        Assert.Null(Forecaster.Of(history, now, Window));
    }

    [Fact]
    public void NoisyGrowthIsForecastCloseToTheTrueLine()
    {
        var noise = new Random(28);
        var (history, now) = Readings(file: h => 700 + 30 * h + noise.NextDouble() * 40 - 20, inUse: h => 600 + 30 * h + noise.NextDouble() * 40 - 20);

        var forecast = Forecaster.Of(history, now, Window)!;

        AssertHoursAhead((2048 - 880) / 30.0, forecast, now, tolerance: 0.05);
        Assert.Equal(ForecastCause.Data, forecast.Cause);
    }

    [Fact]
    public void NoiseAroundAFlatLineIsNoGrowth()
    {
        var noise = new Random(28);
        var (history, now) = Readings(file: _ => 900, inUse: _ => 500 + noise.NextDouble() * 40 - 20);

        Assert.Null(Forecaster.Of(history, now, Window));
    }

    [Fact]
    public void AFileAlreadyAtTheQuotaIsForecastForNow()
    {
        var (history, now) = Readings(file: h => 2000 + 10 * h, inUse: _ => 600);

        var forecast = Forecaster.Of(history, now, Window)!;

        Assert.Equal(now, forecast.QuotaReachedAt);
        Assert.Equal(ForecastCause.Fragmentation, forecast.Cause);
    }

    [Fact]
    public void TooLittleHistoryOrTooSlowAGrowthGivesNoForecast()
    {
        var (short_, shortNow) = Readings(file: h => 600 + 200 * h, inUse: h => 500 + 200 * h, span: TimeSpan.FromMinutes(20));
        var (slow, slowNow) = Readings(file: h => 600 + 0.1 * h, inUse: h => 500 + 0.1 * h);

        Assert.Null(Forecaster.Of(short_, shortNow, Window));
        Assert.Null(Forecaster.Of(slow, slowNow, Window)); // (2048 - 600) / 0.1 h is 1.6 years away
        Assert.NotNull(Forecaster.Of(short_, shortNow, TimeSpan.FromMinutes(30)));
    }
}
