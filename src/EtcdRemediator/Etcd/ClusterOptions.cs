namespace EtcdRemediator.Etcd;

public enum EtcdBackend
{
    Etcd,
    Talos,
}

/// <summary>One etcd cluster the service may inspect and remediate.</summary>
public sealed record ClusterOptions
{
    public string Name { get; init; } = "";
    public EtcdBackend Backend { get; init; } = EtcdBackend.Etcd;
    /// <summary>Client URLs (http or https). Members are found through the member list; these seed it.</summary>
    public List<string> Endpoints { get; init; } = [];
    public TlsOptions? Tls { get; init; }
    /// <summary>The members' <c>--quota-backend-bytes</c>; etcd 3.6 reports its own and that wins.</summary>
    public long QuotaBackendBytes { get; init; } = 2L * 1024 * 1024 * 1024;
}

/// <summary>PEM files, as in the Kubernetes etcd PKI (ca.crt, healthcheck-client.crt/key).</summary>
public sealed record TlsOptions
{
    public string? CaFile { get; init; }
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
}
