using EtcdRemediator.Configuration;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Forecasting;

internal enum ForecastVerdict
{
    /// <summary>Not within the horizon, or not growing: nothing to do or say.</summary>
    Nothing,
    /// <summary>The file grows on free pages and a defrag gives the room back: defragment early.</summary>
    DefragEarly,
    /// <summary>A defrag would not help (the data grows, or leaves too little room): say so, start nothing.</summary>
    Tell,
}

internal sealed record ForecastDecision(ForecastVerdict Verdict, string Why);

/// <summary>
/// Pure: what a member's forecast asks for. A defrag early only when the file reaches the quota within
/// Forecast:Horizon, the cause is fragmentation, and the data in use is under half of the disarm bar
/// (quota x Policy:DisarmBelowQuotaRatio): room to spare after it, not a defrag every hour. When the
/// data itself grows, defragmenting is in vain: the answer is more quota or fewer writes.
/// </summary>
internal static class ForecastRule
{
    public static ForecastDecision Decide(MemberForecast forecast, long dbSizeInUse, PolicyOptions policy, TimeSpan horizon, DateTimeOffset now)
    {
        if (forecast.QuotaReachedAt - now > horizon) return new(ForecastVerdict.Nothing, "beyond the horizon");
        var at = $"reaches its {ByteSize.Exact(forecast.Quota)} quota at {forecast.QuotaReachedAt:u}";
        var bar = forecast.Quota * policy.DisarmBelowQuotaRatio;
        if (forecast.Cause == ForecastCause.Data)
        {
            // Room for 30 more days of this growth on top of what is in use, rounded up to a GiB.
            var needed = dbSizeInUse + forecast.InUseBytesPerHour * 24 * 30;
            var suggested = (long)Math.Ceiling(needed / policy.DisarmBelowQuotaRatio / (1L << 30)) << 30;
            return new(ForecastVerdict.Tell,
                $"{at}: the data in use grows {forecast.InUseBytesPerHour / (1 << 20):0.#} MiB/h, so a defrag would not help; " +
                $"raise --quota-backend-bytes to at least {suggested} (30 days of this growth), or find what writes");
        }
        if (dbSizeInUse > bar / 2)
            return new(ForecastVerdict.Tell,
                $"{at} on free pages, but its data in use ({ByteSize.Exact(dbSizeInUse)}) is over half of the disarm bar " +
                $"({ByteSize.Exact((long)bar)}): " +
                $"a defrag would leave little room; raise the quota");
        return new(ForecastVerdict.DefragEarly,
            $"{at} on free pages (the file grows {forecast.FileBytesPerHour / (1 << 20):0.#} MiB/h, the data does not)");
    }
}
