using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Credentials;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

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
        var talos = TalosOptions.Of(cluster);
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

/// <summary>
/// Reads a talosconfig (YAML: context, contexts.NAME.{endpoints, nodes, ca, crt, key}; other keys are ignored, as talosctl
/// adds them over time) from YamlDotNet's node tree: no reflection-based deserializer, which the native build cannot have.
/// A key of the wrong shape (a list where a string belongs) is a <see cref="YamlException"/> naming where it is.
/// </summary>
internal static class TalosConfigFile
{
    public static TalosContext Load(string path, string? context)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        var contexts = new Dictionary<string, YamlMappingNode>(StringComparer.Ordinal);
        if (Child(root, "contexts") is { } all)
            foreach (var (key, value) in Expect<YamlMappingNode>(all, "contexts").Children)
                contexts[Scalar(key, "a context's name") ?? ""] = Expect<YamlMappingNode>(value, "a context");
        var name = string.IsNullOrEmpty(context) ? Scalar(Child(root, "context"), "context") : context;
        if (name is null || !contexts.TryGetValue(name, out var entry))
            throw new InvalidOperationException($"talosconfig {path} has no context '{name}' (it has: {string.Join(", ", contexts.Keys)})");
        return new TalosContext(List(Child(entry, "endpoints"), "endpoints"), List(Child(entry, "nodes"), "nodes"),
            Scalar(Child(entry, "ca"), "ca"), Scalar(Child(entry, "crt"), "crt"), Scalar(Child(entry, "key"), "key"));
    }

    /// <summary>A mapping's value by key (keys as talosctl writes them, lower case); null when absent.</summary>
    private static YamlNode? Child(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static T Expect<T>(YamlNode node, string what) where T : YamlNode =>
        node as T
            ?? throw new YamlException(node.Start, node.End, $"{what} is not a {(typeof(T) == typeof(YamlMappingNode) ? "mapping" : "list")}");

    /// <summary>A scalar's text; null for an absent key or YAML's null (<c>~</c>, <c>null</c> or nothing).</summary>
    private static string? Scalar(YamlNode? node, string what) => node switch
    {
        null => null,
        YamlScalarNode { Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted), Value: null or "" or "~" or "null" or "Null" or "NULL" }
            => null,
        YamlScalarNode scalar => scalar.Value,
        _ => throw new YamlException(node.Start, node.End, $"{what} is not a single value"),
    };

    private static List<string> List(YamlNode? node, string what) => node switch
    {
        null => [],
        YamlScalarNode when Scalar(node, what) is null => [],
        _ => [.. Expect<YamlSequenceNode>(node, what).Children.Select(item => Scalar(item, $"an item of {what}") ?? "")],
    };
}
