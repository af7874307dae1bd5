using EtcdRemediator.Configuration;

namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// <c>Snapshots:Offsite</c> at start-up: a bucket, usable credential files, recipients that parse; and no unencrypted
/// upload unless asked for by name (a snapshot holds every Secret of a Kubernetes cluster).
/// </summary>
internal static class OffsiteCheck
{
    public static IEnumerable<string> Errors(OffsiteOptions o, string key, ICollection<string>? warnings = null)
    {
        if (!o.Enabled)
        {
            if (o.Endpoint is not null || o.AgeRecipients.Count > 0 || o.AgeRecipientsFile is not null || o.AccessKeyIdFile is not null)
                yield return $"{key}:Bucket: is required once any other {key} setting is given (the bucket the copies go to).";
            yield break;
        }
        if (o.Endpoint is { } endpoint
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            yield return $"{key}:Endpoint: '{endpoint}' is not an http(s) URL such as https://minio.example:9000; leave it out for AWS S3.";
        if (string.IsNullOrWhiteSpace(o.Region))
            yield return $"{key}:Region: must name a region (us-east-1 for most S3-compatible servers).";
        if (string.IsNullOrWhiteSpace(o.Prefix.Trim('/')))
            yield return $"{key}:Prefix: must not be empty: retention lists and removes objects under it.";
        if (o.Keep < 1)
            yield return $"{key}:Keep: must keep at least 1 copy per cluster (got {o.Keep}).";
        if ((o.AccessKeyIdFile is null) != (o.SecretAccessKeyFile is null))
            yield return $"{key}:{(o.AccessKeyIdFile is null ? "AccessKeyIdFile" : "SecretAccessKeyFile")}: is required with " +
                $"{key}:{(o.AccessKeyIdFile is null ? "SecretAccessKeyFile" : "AccessKeyIdFile")}; give both, or neither for the SDK's " +
                "default chain (environment, web identity).";
        foreach (var (name, file) in new[] { ("AccessKeyIdFile", o.AccessKeyIdFile), ("SecretAccessKeyFile", o.SecretAccessKeyFile) })
            if (file is not null && (!File.Exists(file) || File.ReadAllText(file).Trim().Length == 0))
                yield return $"{key}:{name}: file '{file}' {(File.Exists(file) ? "is empty" : "does not exist")}.";

        var recipients = 0;
        for (var i = 0; i < o.AgeRecipients.Count; i++, recipients++)
            if (AgeRecipient.TryParse(o.AgeRecipients[i], out var problem) is null)
                yield return $"{key}:AgeRecipients:{i}: '{Shorten(o.AgeRecipients[i])}' {problem}.";
        if (o.AgeRecipientsFile is { } path)
        {
            if (!File.Exists(path)) yield return $"{key}:AgeRecipientsFile: file '{path}' does not exist.";
            else
                foreach (var (line, text) in AgeRecipient.ReadFileLines(path))
                {
                    recipients++;
                    if (AgeRecipient.TryParse(text, out var problem) is null)
                        yield return $"{key}:AgeRecipientsFile: line {line} of '{path}' {problem}.";
                }
        }
        if (recipients == 0 && !o.AllowPlaintext)
            yield return $"{key}:AgeRecipients: no age recipient is configured, and snapshots hold every Secret of the cluster: " +
                $"give {key}:AgeRecipients:0 (age1..., from `age-keygen -y key.txt`) or {key}:AgeRecipientsFile; " +
                $"{key}:AllowPlaintext=true uploads them unencrypted.";
        else if (recipients == 0)
            warnings?.Add($"{key}:AllowPlaintext is true and no age recipient is configured: snapshots go to bucket '{o.Bucket}' " +
                "unencrypted, with every Secret of the cluster readable by whoever can read the bucket.");
    }

    /// <summary>Enough of a refused value to find it, never a whole secret pasted by mistake.</summary>
    private static string Shorten(string value) => value.Length <= 24 ? value : value[..20] + "…";

    /// <summary>The configured recipients, setting and file together (checked at start-up; read again for each upload).</summary>
    public static IReadOnlyList<AgeRecipient> Recipients(OffsiteOptions o) =>
    [
        .. o.AgeRecipients.Concat(o.AgeRecipientsFile is { } path ? AgeRecipient.ReadFileLines(path).Select(l => l.Text) : [])
            .Select(text => AgeRecipient.TryParse(text, out var problem) ?? throw new SnapshotException($"age recipient '{Shorten(text)}' {problem}"))
            .DistinctBy(r => r.Text),
    ];
}
