namespace EtcdRemediator.Configuration;

/// <summary>One etcd cluster the service may inspect and remediate.</summary>
internal sealed record ClusterOptions
{
    /// <summary>Used in URLs and snapshot folders; "local" when not given (two unnamed clusters collide, and say so).</summary>
    public string Name { get; set; } = "local";
    /// <summary>How etcd is reached: the name of a registered backend (<c>Etcd</c>, etcd's own v3 API; <c>Talos</c>, Talos'
    /// machine API); the start-up check refuses any other.</summary>
    public string Backend { get; set; } = DefaultBackend;
    public const string DefaultBackend = "Etcd";
    /// <summary>Client URLs (http or https). Members are found through the member list; these seed it.</summary>
    public List<string> Endpoints { get; set; } = [];
    public TlsOptions? Tls { get; set; }
    /// <summary>For clusters with etcd auth enabled; defragment, snapshot and move-leader need the root role.</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>The password from a file (a mounted secret), instead of <see cref="Password"/>.</summary>
    public string? PasswordFile { get; set; }
    /// <summary>The members' <c>--quota-backend-bytes</c>; etcd 3.6 reports its own and that wins.</summary>
    public long QuotaBackendBytes { get; set; } = 2L * 1024 * 1024 * 1024;
    /// <summary>Runs started by the clock: a daily snapshot, a weekly defrag (thresholds still apply).</summary>
    public List<ScheduleOptions> Schedules { get; set; } = [];
    /// <summary>When disruptive automatic work (defrag) may start; none configured means any time.</summary>
    public List<MaintenanceWindowOptions> MaintenanceWindows { get; set; } = [];
    /// <summary>Advisory ids (docs/compatibility.md lists them) whose risk the operator accepts for this cluster: its unforced runs
    /// then defragment affected members.</summary>
    public List<string> AcceptedAdvisories { get; set; } = [];
    /// <summary>A CEL expression over a member's numbers (dbSize, dbSizeInUse, dbSizeFree, dbQuota, dbQuotaUsage): true = defragment it.
    /// Absent: the policy's thresholds (<c>Policy:MinFragmentationRatio</c>, <c>Policy:MinReclaimableBytes</c>).</summary>
    public string? DefragRule { get; set; }

    /// <summary>
    /// This cluster's own section of the configuration (<c>Remediator:Clusters:N</c>), from which its backend binds the settings
    /// only that backend reads (Talos: <c>Talos:ConfigFile</c>, <c>Talos:Nodes</c>): a new backend brings its settings in its
    /// own folder. Not public, so that the key check does not take it for a setting; set where the options are
    /// bound (<see cref="ConfigurationCheck.Bind"/>); empty for a cluster made in code. A field: the binding generator, which
    /// sees internal properties too, binds properties only.
    /// </summary>
    internal IConfiguration Section = NoSettings;

    private static readonly IConfiguration NoSettings = new ConfigurationBuilder().Build();
}

/// <summary>PEM files, as in the Kubernetes etcd PKI (ca.crt, healthcheck-client.crt/key).</summary>
internal sealed record TlsOptions
{
    public string? CaFile { get; set; }
    public string? CertFile { get; set; }
    public string? KeyFile { get; set; }
}
