using System.Text.Json.Serialization;

namespace EtcdRemediator.Forecasting;

[JsonConverter(typeof(JsonStringEnumConverter<ForecastCause>))]
internal enum ForecastCause
{
    /// <summary>The data in use is (about) flat and the file grows: free pages are not reused; a defrag gives them back.</summary>
    [JsonStringEnumMemberName("fragmentation")] Fragmentation,
    /// <summary>The data in use grows toward the quota: a defrag cannot help; raise the quota or find the writer.</summary>
    [JsonStringEnumMemberName("data")] Data,
}

/// <summary>When a member's file reaches its quota at the present growth, and why it grows.</summary>
/// <param name="FileBytesPerHour">Growth of the file since its last drop (a defrag), fitted.</param>
/// <param name="InUseBytesPerHour">Growth of the data in use over the window, fitted.</param>
internal sealed record MemberForecast(
    DateTimeOffset QuotaReachedAt, ForecastCause Cause, double FileBytesPerHour, double InUseBytesPerHour, long Quota);
