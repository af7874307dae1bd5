using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Credentials;
using EtcdRemediator.Etcd.Talos;

namespace EtcdRemediator.Hosting;

/// <summary>
/// Each cluster's credentials at start-up, read as the backend will read them: the key parses, the
/// certificate and key belong together, the CA parses, the certificate is valid now. A problem names
/// the setting and the file; a certificate that expires within a week is a warning with its date.
/// </summary>
internal static class CredentialCheck
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000",
        Justification = "The material is in a using declaration; the analyzer does not follow a conditional expression into it.")]
    public static IEnumerable<string> Errors(ClusterOptions c, string key, Func<ClusterOptions, TalosConnection> resolveTalos, DateTimeOffset now,
        ICollection<string>? warnings)
    {
        TalosConnection? talos = null;
        if (c.Backend == EtcdBackend.Talos)
        {
            try
            {
                talos = resolveTalos(c);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or YamlDotNet.Core.YamlException or FormatException)
            {
                return []; // reported with the talosconfig
            }
        }
        // A talosconfig with ca, crt and key is the one credential file; otherwise the Tls files.
        var talosconfig = talos is not null && c.Talos?.ConfigFile is { } config && talos.CredentialFiles.SequenceEqual([config]) ? config : null;
        if (talosconfig is null && TlsMaterial.FilesOf(c.Tls) is var files && (files.Count == 0 || !files.All(File.Exists)))
            return []; // nothing to read, or a missing file: reported on its own
        string Setting(CredentialPart part) => talosconfig is null ? TlsMaterial.SettingOf(part) : "Talos:ConfigFile";
        try
        {
            using var material = talos is not null ? talos.Tls() : TlsMaterial.FromFiles(c.Tls);
            if (material.Expired(now) is { } expired) throw expired;
            if (material.ExpiresSoon(now) is { } at)
                warnings?.Add($"{key}:{Setting(CredentialPart.Certificate)}: the client certificate '{material.Leaf!.Subject}' " +
                    $"expires at {at:u}; renew it before then.");
            return [];
        }
        catch (CredentialException e)
        {
            // The talosconfig's message says which part of which context; a Tls file is named here.
            return [talosconfig is null
                ? $"{key}:{Setting(e.Part)}: '{TlsMaterial.FileOf(c.Tls, e.Part)}': {e.Detail}."
                : $"{key}:{Setting(e.Part)}: {e.Message}."];
        }
    }
}
