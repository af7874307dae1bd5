using EtcdRemediator.Configuration;
using EtcdRemediator.Http;

namespace EtcdRemediator.Alerts;

/// <summary>Alertmanager's webhook body, version "4". Unknown fields are tolerated: Alertmanager adds them over time.</summary>
internal sealed record AlertmanagerPayload(
    string? Version,
    string? GroupKey,
    int TruncatedAlerts,
    string? Status,
    string? Receiver,
    Dictionary<string, string>? GroupLabels,
    Dictionary<string, string>? CommonLabels,
    Dictionary<string, string>? CommonAnnotations,
    string? ExternalURL,
    List<AlertmanagerAlert>? Alerts) : IJsonBodyType
{
    /// <summary>A delivery carries a whole alert group: its size is the operator's to set.</summary>
    public static long MaxBytes(RemediatorOptions options) => options.Alerts.MaxBodyBytes;
}

internal sealed record AlertmanagerAlert(
    string? Status,
    Dictionary<string, string>? Labels,
    Dictionary<string, string>? Annotations,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? GeneratorURL,
    string? Fingerprint)
{
    public string AlertName => Labels?.GetValueOrDefault("alertname") ?? "";
    public bool IsFiring => Status == "firing";
}
