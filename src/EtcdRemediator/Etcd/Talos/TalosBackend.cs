using EtcdRemediator.Configuration;

namespace EtcdRemediator.Etcd.Talos;

/// <summary>Talos' machine API through apid, with the talosconfig's credentials, as <c>talosctl etcd ...</c> does.</summary>
/// <param name="resolve">How a cluster's talosconfig is read: the service's <see cref="TalosConnections"/>, so the file is read once.</param>
internal sealed class TalosBackend(Func<ClusterOptions, TalosConnection> resolve) : IClusterBackend
{
    public TalosBackend(TalosConnections connections) : this(connections.Resolve)
    {
    }

    public EtcdBackend Kind => EtcdBackend.Talos;

    public IEtcdCluster Create(ClusterOptions cluster, PolicyOptions policy, TimeProvider time) =>
        new TalosCluster(cluster, resolve(cluster), policy.RequestTimeout, time);

    public IEnumerable<string> Validate(ClusterOptions cluster, string key)
    {
        if (cluster.Talos?.ConfigFile is { } file && !File.Exists(file))
        {
            yield return $"{key}:Talos:ConfigFile: file '{file}' does not exist.";
            yield break;
        }
        string? problem = null;
        try
        {
            resolve(cluster);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or YamlDotNet.Core.YamlException or FormatException)
        {
            problem = e.Message;
        }
        if (problem is not null) yield return $"{key}:Talos: {problem}.";
    }
}
