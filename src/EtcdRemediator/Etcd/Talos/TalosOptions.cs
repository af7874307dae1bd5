using EtcdRemediator.Configuration;

namespace EtcdRemediator.Etcd.Talos;

/// <summary>
/// A Talos cluster's own settings (<c>Remediator:Clusters:N:Talos</c>), bound by the Talos backend from the cluster's section.
/// Endpoints (apid addresses) and credentials come from the talosconfig, or from the cluster's Endpoints and Tls PEM files;
/// Nodes are the control-plane nodes.
/// </summary>
internal sealed record TalosOptions
{
    public const string Section = "Talos";

    public string? ConfigFile { get; set; }
    /// <summary>The talosconfig context; its own current context when empty.</summary>
    public string? Context { get; set; }
    /// <summary>Control-plane node addresses (as `talosctl -n` takes them); the context's nodes when empty.</summary>
    public List<string> Nodes { get; set; } = [];

    /// <summary>The cluster's Talos settings; the defaults where it has none.</summary>
    public static TalosOptions Of(ClusterOptions cluster) => cluster.Section.GetSection(Section).Get<TalosOptions>() ?? new();

    /// <summary>The keys the configuration check knows under a cluster for them.</summary>
    public static IReadOnlyDictionary<string, Type> Keys { get; } = ConfigurationCheck.KeysOf<TalosOptions>(Section);
}
