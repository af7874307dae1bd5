using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Credentials;

namespace EtcdRemediator.Etcd.Talos;

/// <summary>Talos' machine API through apid, with the talosconfig's credentials, as <c>talosctl etcd ...</c> does.</summary>
/// <param name="connections">How a cluster's talosconfig is read: the service's one reader, so the file is read once.</param>
internal sealed class TalosBackend(TalosConnections connections) : IClusterBackend
{
    public string Name => "Talos";

    public IReadOnlyDictionary<string, Type> SettingKeys => TalosOptions.Keys;

    public IEtcdCluster Create(ClusterOptions cluster, PolicyOptions policy, TimeProvider time) =>
        new TalosCluster(cluster, connections.Resolve(cluster), policy.RequestTimeout, time);

    /// <summary>A talosconfig with ca, crt and key is the one credential file; otherwise the Tls files, as Talos reads them.</summary>
    public IEnumerable<string> CheckCredentials(ClusterOptions cluster, string key, DateTimeOffset now, ICollection<string>? warnings)
    {
        if (Read(cluster, out var talos) is not null || talos is null) return []; // reported by Validate, or nothing to read
        return TalosOptions.Of(cluster).ConfigFile is { } config && talos.CredentialFiles.SequenceEqual([config])
            ? CredentialCheck.OfOneFile(key, "Talos:ConfigFile", talos.Tls, now, warnings)
            : CredentialCheck.OfTlsFiles(cluster, key, now, warnings, talos.Tls);
    }

    public IEnumerable<string> Validate(ClusterOptions cluster, string key)
    {
        if (TalosOptions.Of(cluster).ConfigFile is { } file && !File.Exists(file))
        {
            yield return $"{key}:Talos:ConfigFile: file '{file}' does not exist.";
            yield break;
        }
        if (Read(cluster, out _) is { } problem) yield return $"{key}:Talos: {problem}.";
    }

    /// <summary>The cluster's talosconfig, or what is wrong with it.</summary>
    private string? Read(ClusterOptions cluster, out TalosConnection? talos)
    {
        try
        {
            talos = connections.Resolve(cluster);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or YamlDotNet.Core.YamlException or FormatException)
        {
            talos = null;
            return e.Message;
        }
    }
}
