using EtcdRemediator.Configuration;

namespace EtcdRemediator.Forecasting;

/// <summary>A member's forecast as the status API shows it: when its file reaches the quota, and why.</summary>
/// <param name="WithinHorizon">It lands within <c>Forecast:Horizon</c> (default 24 h).</param>
internal sealed record MemberForecastView(
    DateTimeOffset QuotaReachedAt, ForecastCause Cause, bool WithinHorizon, double FileGrowthBytesPerHour, double InUseGrowthBytesPerHour)
{
    /// <summary>The lookup the status view uses for one cluster: the book's latest forecast of each member.</summary>
    public static Func<ulong, MemberForecastView?> For(ForecastBook book, string cluster, RemediatorOptions options, DateTimeOffset now) =>
        member => book.Of(cluster, member) is { } f
            ? new MemberForecastView(f.QuotaReachedAt, f.Cause, f.QuotaReachedAt - now <= options.Forecast.Horizon, f.FileBytesPerHour,
                f.InUseBytesPerHour)
            : null;
}
