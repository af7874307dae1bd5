namespace EtcdRemediator.Configuration;

/// <summary>Forecasts of when a member's file reaches its quota, from the watch's history.</summary>
internal sealed record ForecastOptions
{
    /// <summary>The span of history a forecast is fitted on.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(6);
    /// <summary>How far ahead a forecast counts as near (the status API's <c>withinHorizon</c>).</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromHours(24);
}
