using EtcdRemediator.Forecasting;
using EtcdRemediator.History;
using static EtcdRemediator.Tests.Forecasting.SyntheticHistory;

namespace EtcdRemediator.Tests.Forecasting;

/// <summary>
/// Forecasts across steps back of the wall clock (issue 34, 6(b)): a reading a minute, a 2 GiB quota, a 6 h window.
/// The fake clock is the time that passes; the wall clock the readings carry is it less the steps taken so far, and
/// each step starts a clock epoch, as the history's recorder numbers them.
/// </summary>
public sealed class ForecasterClockStepTests
{
    /// <summary>Readings for <paramref name="hours"/>, sizes in MB by the hours that passed, the clock set back as <paramref name="steps"/> say.</summary>
    private static (List<MemberSample> History, DateTimeOffset Now) Readings(double hours, Func<double, double> file, Func<double, double> inUse,
        params (double AtHour, TimeSpan Back)[] steps) => SyntheticHistory.Readings(TimeSpan.FromHours(hours), file, inUse, steps);

    private static double HoursAhead(MemberForecast? forecast, DateTimeOffset now) => (Assert.IsType<MemberForecast>(forecast).QuotaReachedAt - now).TotalHours;

    [Fact]
    public void AStepBackOfAnHourInTheWindowLeavesTheForecastAsItIsWithoutTheStep()
    {
        // The file grows 50 MB/h on free pages from 410 MB, the data is flat: (2048 - 710) / 50 h away at 6 h.
        var (stepped, steppedNow) = Readings(6, file: h => 410 + 50 * h, inUse: _ => 300, (4, TimeSpan.FromHours(1)));
        var (plain, plainNow) = Readings(6, file: h => 410 + 50 * h, inUse: _ => 300);

        var forecast = Forecaster.Of(stepped, steppedNow, Window);
        var withoutStep = HoursAhead(Forecaster.Of(plain, plainNow, Window), plainNow);

        Assert.Equal(plainNow - TimeSpan.FromHours(1), steppedNow);
        Assert.InRange(HoursAhead(forecast, steppedNow), (2048 - 710) / 50.0 * 0.99, (2048 - 710) / 50.0 * 1.01);
        // The step seen is a minute (a reading's interval) short of the true one: the readings before it sit a minute late.
        Assert.InRange(HoursAhead(forecast, steppedNow), withoutStep * 0.99, withoutStep * 1.01);
        Assert.Equal(ForecastCause.Fragmentation, forecast!.Cause);
        Assert.Equal(50 * MB, forecast.FileBytesPerHour, 0.01 * 50 * MB);
    }

    [Fact]
    public void RightAfterAStepBackTheForecastStillAnswers()
    {
        // Two hours of readings, then the clock set back an hour: the very next reading is forecast from all of them.
        var (history, now) = Readings(2, file: h => 410 + 50 * h, inUse: _ => 300, (2, TimeSpan.FromHours(1)));

        var forecast = Forecaster.Of(history, now, Window);

        Assert.Equal(1, history[^1].ClockEpoch);
        Assert.InRange(HoursAhead(forecast, now), (2048 - 510) / 50.0 * 0.98, (2048 - 510) / 50.0 * 1.02);
    }

    [Fact]
    public void TwoStepsBackKeepTheDatasGrowthAndItsCause()
    {
        // The data grows 20 MB/h from 500 MB with the file 100 MB above it; the clock goes back an hour at 2 h and half an hour at 4 h.
        var (history, now) = Readings(6, file: h => 600 + 20 * h, inUse: h => 500 + 20 * h,
            (2, TimeSpan.FromHours(1)), (4, TimeSpan.FromMinutes(30)));

        var forecast = Forecaster.Of(history, now, Window);

        Assert.Equal(ForecastCause.Data, forecast!.Cause);
        Assert.Equal(20 * MB, forecast.InUseBytesPerHour, 0.02 * 20 * MB);
        Assert.InRange(HoursAhead(forecast, now), (2048 - 720) / 20.0 * 0.98, (2048 - 720) / 20.0 * 1.02);
    }
}
