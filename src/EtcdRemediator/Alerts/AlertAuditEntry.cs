namespace EtcdRemediator.Alerts;

/// <summary>What became of one alert: one of <see cref="Remediation.Dispositions.AllNames"/> (docs/http-api.md, "Dispositions").</summary>
internal sealed record AlertDisposition(
    string? Fingerprint, string AlertName, string? Cluster, string? Action, string Disposition, string? RunId, string? Reason);

/// <summary>One webhook delivery as received and answered. The payload is kept up to a cap.</summary>
internal sealed record AlertAuditEntry(
    string Id,
    DateTimeOffset ReceivedAt,
    int StatusCode,
    string? Receiver,
    string? GroupKey,
    IReadOnlyList<AlertDisposition> Alerts,
    string? Error,
    string Payload,
    bool PayloadTruncated,
    int AlertsOmitted = 0)
{
    /// <summary>Dispositions kept per stored entry: a delivery of 1,000 ignored alerts is one small row.</summary>
    public const int MaxStoredAlerts = 100;

    /// <summary>Characters of the error kept: a delivery of 1,000 bad alerts is refused in a few lines, not in 100 KB of them.</summary>
    public const int MaxStoredErrorChars = 4 * 1024;

    public AlertAuditEntry Bounded()
    {
        var bounded = Alerts.Count <= MaxStoredAlerts
            ? this
            : this with { Alerts = [.. Alerts.Take(MaxStoredAlerts)], AlertsOmitted = Alerts.Count - MaxStoredAlerts };
        return Error is { Length: > MaxStoredErrorChars }
            ? bounded with { Error = $"{Error[..MaxStoredErrorChars]}... ({Error.Length - MaxStoredErrorChars} more characters)" }
            : bounded;
    }
}
