using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Credentials;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace EtcdRemediator.Etcd.Talos;

/// <summary>Where apid is, which nodes run etcd, and the mTLS material: resolved from configuration.</summary>
/// <param name="Tls">Reads the credentials afresh each time it is called (they rotate).</param>
/// <param name="CredentialFiles">The files they come from: a change to one means new credentials.</param>
internal sealed record TalosConnection(
    IReadOnlyList<string> Endpoints, IReadOnlyList<string> Nodes, Func<TlsMaterial> Tls, IReadOnlyList<string> CredentialFiles)
{
    public const int ApidPort = 50000;

    /// <summary>Throws with a message naming what is missing; the validator reports it under the cluster's key.</summary>
    public static TalosConnection Resolve(ClusterOptions cluster)
    {
        var talos = cluster.Talos ?? new TalosOptions();
        TalosContext? context = talos.ConfigFile is { } file ? TalosConfigFile.Load(file, talos.Context) : null;
        var endpoints = (cluster.Endpoints.Count > 0 ? cluster.Endpoints : context?.Endpoints ?? []).Select(ApidUrl).ToList();
        var nodes = talos.Nodes.Count > 0 ? talos.Nodes : context?.Nodes ?? [];
        if (endpoints.Count == 0)
            throw new InvalidOperationException(talos.ConfigFile is null
                ? "no talosconfig and no apid endpoint: set Talos:ConfigFile (the talosconfig Talos issues), or Endpoints with Tls files"
                : "no apid endpoint: set Endpoints or the talosconfig context's endpoints");
        // No nodes (an in-cluster talosconfig has none): discovered from the member list apid answers.
        // Talos renews an in-cluster talosconfig's certificate in place every few hours: read it again.
        Func<TlsMaterial> tls = context is { Ca: not null, Crt: not null, Key: not null }
            ? () => FromContext(talos.ConfigFile!, talos.Context)
            : () => TlsMaterial.FromFiles(cluster.Tls);
        IReadOnlyList<string> files = context is { Ca: not null, Crt: not null, Key: not null }
            ? [talos.ConfigFile!]
            : TlsMaterial.FilesOf(cluster.Tls);
        if (context is null && cluster.Tls is not { CaFile: not null, CertFile: not null, KeyFile: not null })
            throw new InvalidOperationException("no client certificate: set Talos:ConfigFile, or Tls:CaFile, CertFile and KeyFile");
        return new TalosConnection(endpoints, [.. nodes], tls, files);
    }

    /// <summary>
    /// A talosconfig endpoint as talosctl reads it (machinery/client reduceURLsToAddresses, then
    /// EnsureEndpointsHavePorts): a bare host or IP (IPv6 too) gets apid's port 50000, host:port is
    /// kept; a URL keeps its explicit port, https:// without one is port 443, and any other scheme
    /// without one (http://host) is apid's 50000, not the scheme's default. apid speaks TLS.
    /// </summary>
    public static string ApidUrl(string endpoint)
    {
        if (endpoint.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0)
        {
            var url = new Uri(endpoint);
            var authority = endpoint[(scheme + 3)..].Split('/', '?', '#')[0];
            var port = HasPort(authority) ? url.Port : url.Scheme == Uri.UriSchemeHttps ? 443 : ApidPort;
            return $"https://{url.Host}:{port}";
        }
        if (!endpoint.StartsWith('[') && System.Net.IPAddress.TryParse(endpoint, out var ip)
            && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            return $"https://[{ip}]:{ApidPort}";
        return HasPort(endpoint) ? $"https://{endpoint}" : $"https://{endpoint}:{ApidPort}";
    }

    /// <summary>host:port or [v6]:port; a bracketed IPv6 address alone has none.</summary>
    private static bool HasPort(string authority) =>
        authority.LastIndexOf(':') is var colon and > 0 && authority.LastIndexOf(']') < colon && int.TryParse(authority.AsSpan(colon + 1), out _);

    /// <summary>The context's credentials; a problem names the talosconfig, the context and the part.</summary>
    private static TlsMaterial FromContext(string path, string? name)
    {
        var context = TalosConfigFile.Load(path, name);
        if (context is not { Ca: { } ca, Crt: { } crt, Key: { } key })
            throw new CredentialException(CredentialPart.Key, "no longer has ca, crt and key", $"talosconfig '{path}'");
        var part = CredentialPart.Ca;
        try
        {
            var caPem = Decode(ca);
            part = CredentialPart.Certificate;
            var crtPem = Decode(crt);
            part = CredentialPart.Key;
            return TlsMaterial.FromPemText(caPem, crtPem, Decode(key));
        }
        catch (FormatException e)
        {
            throw new CredentialException(part, $"is not base64: {e.Message}", $"talosconfig '{path}', the {PartName(part)} of its context", e);
        }
        catch (CredentialException e)
        {
            throw e.From($"talosconfig '{path}', the {PartName(e.Part)} of its context");
        }
    }

    private static string PartName(CredentialPart part) => part switch { CredentialPart.Ca => "ca", CredentialPart.Certificate => "crt", _ => "key" };

    private static string Decode(string base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}

internal sealed record TalosContext(IReadOnlyList<string> Endpoints, IReadOnlyList<string> Nodes, string? Ca, string? Crt, string? Key);

/// <summary>Reads a talosconfig (YAML: context, contexts.NAME.{endpoints, nodes, ca, crt, key}).</summary>
internal static class TalosConfigFile
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
