
namespace EtcdRemediator.Configuration;

/// <summary>The whole <c>Remediator</c> configuration section (every key is in docs/configuration.md's "Keys" table).</summary>
internal sealed record RemediatorOptions
{
    public const string Section = "Remediator";

    public List<ClusterOptions> Clusters { get; init; } = [];
    public PolicyOptions Policy { get; init; } = new();
    public SnapshotOptions Snapshots { get; init; } = new();
    public StorageOptions Storage { get; init; } = new();
    public AlertOptions Alerts { get; init; } = new();
    public AuthOptions Auth { get; init; } = new();
    public WatchOptions Watch { get; init; } = new();
    public SchedulingOptions Scheduling { get; init; } = new();
    public ForecastOptions Forecast { get; init; } = new();
}

internal sealed record SnapshotOptions
{
    public string Directory { get; init; } = "data/snapshots";
    public int Retain { get; init; } = 5;
    /// <summary>When true (the default) no member is defragmented without a verified snapshot.</summary>
    public bool Required { get; init; } = true;
    /// <summary>A snapshot stream that delivers nothing for this long is abandoned.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public OffsiteOptions Offsite { get; init; } = new();
}

internal sealed record StorageOptions
{
    public string Path { get; init; } = "data/remediator.db";
    /// <summary>Received deliveries are kept this long, and at most <see cref="AuditMaxEntries"/> of them.</summary>
    public TimeSpan AuditRetention { get; init; } = TimeSpan.FromDays(30);
    public int AuditMaxEntries { get; init; } = 50_000;
    /// <summary>What the audit's stored entries may hold in all (about bytes: characters of JSON); the oldest go first.</summary>
    public long AuditMaxBytes { get; init; } = 64L * 1024 * 1024;
    /// <summary>Finished runs are kept this long, and at most <see cref="MaxRuns"/>; queued and running ones always.</summary>
    public TimeSpan RunRetention { get; init; } = TimeSpan.FromDays(365);
    public int MaxRuns { get; init; } = 10_000;
}

internal sealed record AlertOptions
{
    public string ClusterLabel { get; init; } = "cluster";
    /// <summary>alertname -> action, consulted after an alert's own <c>remediation</c> label.</summary>
    public Dictionary<string, string> Routes { get; init; } = [];
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Deliveries per second per webhook token (bursts of five seconds' worth); 0: no limit.</summary>
    public int MaxDeliveriesPerSecond { get; init; } = 20;

    /// <summary>
    /// label -> anchored regular expression an alert's label must match to be acted on (Alertmanager's
    /// <c>=~</c>): the rule sources the operator trusts, e.g. <c>namespace: kube-system|monitoring</c>.
    /// Empty: every alert the webhook token delivers.
    /// </summary>
    public Dictionary<string, string> RequireLabels { get; init; } = [];

    /// <summary>
    /// Let an alert's own <c>remediation</c> label choose the action. Off by default: whoever can write
    /// a rule could otherwise turn any alert into a <c>recover</c>.
    /// </summary>
    public bool AllowRemediationLabel { get; init; }
}

internal sealed record AuthOptions
{
    public List<string> WebhookTokens { get; init; } = [];
    public List<string> OperatorTokens { get; init; } = [];

    /// <summary>Tokens that may read /metrics and nothing else: what Prometheus scrapes with.</summary>
    public List<string> MetricsTokens { get; init; } = [];
    public string? WebhookTokensFile { get; init; }
    public string? OperatorTokensFile { get; init; }
    public string? MetricsTokensFile { get; init; }

    /// <summary>
    /// Serve loopback clients without tokens although the service runs in Kubernetes. Off by default:
    /// in a pod, "loopback" includes a sidecar proxy (Istio forwards inbound traffic from 127.0.0.6)
    /// and `kubectl port-forward`, so a pod without tokens refuses to start.
    /// </summary>
    public bool AllowLoopbackWithoutTokens { get; init; }

    /// <summary>Wrong tokens one client address may present in a minute before it is refused (429) for the rest of it; 0: no limit.</summary>
    public int MaxFailuresPerMinute { get; init; } = 30;

    /// <summary>
    /// Connections one client address (an IPv6 /64) may hold open at once; past it a new one is closed
    /// as soon as it is accepted, so that one client cannot take every connection Kestrel allows. 0: no limit.
    /// </summary>
    public int MaxConnectionsPerAddress { get; init; } = 32;
}
