using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using EtcdRemediator.Configuration;

namespace EtcdRemediator.Etcd.Talos;

/// <summary>Where apid is, which nodes run etcd, and the mTLS material: resolved from configuration.</summary>
/// <param name="Tls">Reads the credentials afresh each time it is called (they rotate).</param>
/// <param name="CredentialFiles">The files they come from: a change to one means new credentials.</param>
public sealed record TalosConnection(IReadOnlyList<string> Endpoints, IReadOnlyList<string> Nodes, Func<TlsMaterial> Tls, IReadOnlyList<string> CredentialFiles)
{
    public const int ApidPort = 50000;

    /// <summary>Throws with a message naming what is missing; the validator reports it under the cluster's key.</summary>
    public static TalosConnection Resolve(ClusterOptions cluster)
    {
        var talos = cluster.Talos ?? new TalosOptions();
        TalosContext? context = talos.ConfigFile is { } file ? TalosConfigFile.Load(file, talos.Context) : null;
        var endpoints = (cluster.Endpoints.Count > 0 ? cluster.Endpoints : context?.Endpoints ?? []).Select(ApidUrl).ToList();
        var nodes = talos.Nodes.Count > 0 ? talos.Nodes : context?.Nodes ?? [];
        if (endpoints.Count == 0) throw new InvalidOperationException("no apid endpoint: set Endpoints or the talosconfig context's endpoints");
        // No nodes (an in-cluster talosconfig has none): discovered from the member list apid answers.
        // Talos renews an in-cluster talosconfig's certificate in place every few hours: read it again.
        Func<TlsMaterial> tls = context is { Ca: not null, Crt: not null, Key: not null }
            ? () => TalosConfigFile.Load(talos.ConfigFile!, talos.Context) is { Ca: { } ca, Crt: { } crt, Key: { } key }
                ? TlsMaterial.FromPemText(Decode(ca), Decode(crt), Decode(key))
                : throw new InvalidOperationException($"talosconfig {talos.ConfigFile} no longer has ca, crt and key")
            : () => TlsMaterial.FromFiles(cluster.Tls);
        IReadOnlyList<string> files = context is { Ca: not null, Crt: not null, Key: not null }
            ? [talos.ConfigFile!]
            : TlsMaterial.FilesOf(cluster.Tls);
        if (context is null && cluster.Tls is not { CaFile: not null, CertFile: not null, KeyFile: not null })
            throw new InvalidOperationException("no client certificate: set Talos:ConfigFile, or Tls:CaFile, CertFile and KeyFile");
        return new TalosConnection(endpoints, [.. nodes], tls, files);
    }

    /// <summary>talosconfig endpoints are "host" or "host:port"; apid speaks TLS on 50000.</summary>
    public static string ApidUrl(string endpoint)
    {
        var url = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : $"https://{endpoint}";
        var uri = new Uri(url);
        return uri.IsDefaultPort && !endpoint.Contains($":{uri.Port}", StringComparison.Ordinal)
            ? $"{uri.Scheme}://{uri.Host}:{ApidPort}"
            : $"{uri.Scheme}://{uri.Authority}";
    }

    private static string Decode(string base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}

public sealed record TalosContext(IReadOnlyList<string> Endpoints, IReadOnlyList<string> Nodes, string? Ca, string? Crt, string? Key);

/// <summary>Reads a talosconfig (YAML: context, contexts.NAME.{endpoints, nodes, ca, crt, key}).</summary>
public static class TalosConfigFile
{
    private sealed class File
    {
        public string? Context { get; set; }
        public Dictionary<string, Entry> Contexts { get; set; } = [];
    }

    private sealed class Entry
    {
        public List<string> Endpoints { get; set; } = [];
        public List<string> Nodes { get; set; } = [];
        public string? Ca { get; set; }
        public string? Crt { get; set; }
        public string? Key { get; set; }
    }

    public static TalosContext Load(string path, string? context)
    {
        var yaml = new DeserializerBuilder().WithNamingConvention(LowerCaseNamingConvention.Instance).IgnoreUnmatchedProperties().Build();
        var file = yaml.Deserialize<File>(System.IO.File.ReadAllText(path)) ?? new File();
        var name = string.IsNullOrEmpty(context) ? file.Context : context;
        if (name is null || !file.Contexts.TryGetValue(name, out var entry))
            throw new InvalidOperationException($"talosconfig {path} has no context '{name}' (it has: {string.Join(", ", file.Contexts.Keys)})");
        return new TalosContext(entry.Endpoints, entry.Nodes, entry.Ca, entry.Crt, entry.Key);
    }
}
