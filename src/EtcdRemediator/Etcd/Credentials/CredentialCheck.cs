using EtcdRemediator.Configuration;

namespace EtcdRemediator.Etcd.Credentials;

/// <summary>
/// A cluster's credentials at start-up, read as its backend will read them: the key parses, the
/// certificate and key belong together, the CA parses, the certificate is valid now. A problem names
/// the setting and the file; a certificate that expires within a week is a warning with its date.
/// Each backend calls it with where its credentials come from.
/// </summary>
internal static class CredentialCheck
{
    /// <summary>From the cluster's <c>Tls</c> PEM files, read by <paramref name="open"/> when the backend reads them its own way.</summary>
    public static IEnumerable<string> OfTlsFiles(ClusterOptions c, string key, DateTimeOffset now, ICollection<string>? warnings,
        Func<TlsMaterial>? open = null)
    {
        if (TlsMaterial.FilesOf(c.Tls) is var files && (files.Count == 0 || !files.All(File.Exists)))
            return []; // nothing to read, or a missing file: reported on its own
        return Errors(key, open ?? (() => TlsMaterial.FromFiles(c.Tls)), TlsMaterial.SettingOf,
            e => $"'{TlsMaterial.FileOf(c.Tls, e.Part)}': {e.Detail}", now, warnings);
    }

    /// <summary>From one file that holds them all (a talosconfig), named by <paramref name="setting"/>; its own
    /// message says which part of which context.</summary>
    public static IEnumerable<string> OfOneFile(string key, string setting, Func<TlsMaterial> open, DateTimeOffset now,
        ICollection<string>? warnings) =>
        Errors(key, open, _ => setting, e => e.Message, now, warnings);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000",
        Justification = "The material is in a using declaration; the analyzer does not follow the delegate's result into it.")]
    private static IEnumerable<string> Errors(string key, Func<TlsMaterial> open, Func<CredentialPart, string> setting,
        Func<CredentialException, string> problem, DateTimeOffset now, ICollection<string>? warnings)
    {
        try
        {
            using var material = open();
            if (material.Expired(now) is { } expired) throw expired;
            if (material.ExpiresSoon(now) is { } at)
                warnings?.Add($"{key}:{setting(CredentialPart.Certificate)}: the client certificate '{material.Leaf!.Subject}' " +
                    $"expires at {at:u}; renew it before then.");
            return [];
        }
        catch (CredentialException e)
        {
            return [$"{key}:{setting(e.Part)}: {problem(e)}."];
        }
    }
}
