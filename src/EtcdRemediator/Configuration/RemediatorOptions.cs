
namespace EtcdRemediator.Configuration;

/// <summary>The whole <c>Remediator</c> configuration section (every key is in docs/configuration.md's "Keys" table).
/// The options' properties have setters, not init: the configuration binding generator (reflection-free, for the native
/// build) binds only what it may assign, and leaves an init-only property at its default without a word.</summary>
internal sealed record RemediatorOptions
{
    public const string Section = "Remediator";

    public List<ClusterOptions> Clusters { get; set; } = [];
    public PolicyOptions Policy { get; set; } = new();
    public SnapshotOptions Snapshots { get; set; } = new();
    public StorageOptions Storage { get; set; } = new();
    public AlertOptions Alerts { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public WatchOptions Watch { get; set; } = new();
    public SchedulingOptions Scheduling { get; set; } = new();
    public ForecastOptions Forecast { get; set; } = new();
}

internal sealed record SnapshotOptions
{
    public string Directory { get; set; } = "data/snapshots";
    public int Retain { get; set; } = 5;
    /// <summary>When true (the default) no member is defragmented without a verified snapshot.</summary>
    public bool Required { get; set; } = true;
    /// <summary>A snapshot stream that delivers nothing for this long is abandoned.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public OffsiteOptions Offsite { get; set; } = new();
}

internal sealed record StorageOptions
{
    public string Path { get; set; } = "data/remediator.db";
    /// <summary>Received deliveries are kept this long, and at most <see cref="AuditMaxEntries"/> of them.</summary>
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(30);
    public int AuditMaxEntries { get; set; } = 50_000;
    /// <summary>What the audit's stored entries may hold in all (about bytes: characters of JSON); the oldest go first.</summary>
    public long AuditMaxBytes { get; set; } = 64L * 1024 * 1024;
    /// <summary>Finished runs are kept this long, and at most <see cref="MaxRuns"/>; queued and running ones always.</summary>
    public TimeSpan RunRetention { get; set; } = TimeSpan.FromDays(365);
    public int MaxRuns { get; set; } = 10_000;
}

internal sealed record AlertOptions
{
    public string ClusterLabel { get; set; } = "cluster";
    /// <summary>alertname -> action, consulted after an alert's own <c>remediation</c> label.</summary>
    public Dictionary<string, string> Routes { get; set; } = [];
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Deliveries per second per webhook token (bursts of five seconds' worth); 0: no limit.</summary>
    public int MaxDeliveriesPerSecond { get; set; } = 20;

    /// <summary>
    /// label -> anchored regular expression an alert's label must match to be acted on (Alertmanager's
    /// <c>=~</c>): the rule sources the operator trusts, e.g. <c>namespace: kube-system|monitoring</c>.
    /// Empty: every alert the webhook token delivers.
    /// </summary>
    public Dictionary<string, string> RequireLabels { get; set; } = [];

    /// <summary>
    /// Let an alert's own <c>remediation</c> label choose the action. Off by default: whoever can write
    /// a rule could otherwise turn any alert into a <c>recover</c>.
    /// </summary>
    public bool AllowRemediationLabel { get; set; }
}

internal sealed record AuthOptions
{
    public List<string> WebhookTokens { get; set; } = [];
    public List<string> OperatorTokens { get; set; } = [];

    /// <summary>Tokens that may read /metrics and nothing else: what Prometheus scrapes with.</summary>
    public List<string> MetricsTokens { get; set; } = [];
    public string? WebhookTokensFile { get; set; }
    public string? OperatorTokensFile { get; set; }
    public string? MetricsTokensFile { get; set; }

    /// <summary>
    /// Serve loopback clients without tokens although the service runs in Kubernetes. Off by default:
    /// in a pod, "loopback" includes a sidecar proxy (Istio forwards inbound traffic from 127.0.0.6)
    /// and `kubectl port-forward`, so a pod without tokens refuses to start.
    /// </summary>
    public bool AllowLoopbackWithoutTokens { get; set; }

    /// <summary>Wrong tokens one client address may present in a minute before it is refused (429) for the rest of it; 0: no limit.</summary>
    public int MaxFailuresPerMinute { get; set; } = 30;

    /// <summary>
    /// Connections one client address (an IPv6 /64) may hold open at once; past it a new one is closed
    /// as soon as it is accepted, so that one client cannot take every connection Kestrel allows. 0: no limit.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 32;
}
