using System.Security.Cryptography;

namespace EtcdRemediator.Configuration;

/// <summary>
/// Files named by the configuration (credentials, token files), watched by what they hold, not their
/// dates: Kubernetes mounts a Secret's keys as symlinks through a `..data` link that it swaps on
/// update, which leaves every date seen through the first link as it was. Looked at most every
/// <paramref name="interval"/>; a file that cannot be read counts as a content of its own.
/// </summary>
internal sealed class FileContentWatch(IReadOnlyList<string> files, TimeSpan interval, TimeProvider time)
{
    private readonly Lock _gate = new();
    private string _seen = Fingerprint(files);
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    /// <summary>Whether a look is due: a cheap test before taking a caller's own lock.</summary>
    public bool Due => files.Count > 0 && time.GetUtcNow() - _checkedAt >= interval;

    /// <summary>True once for each change of the files' content since the last look (if a look is due).</summary>
    public bool Changed()
    {
        if (!Due) return false;
        lock (_gate)
        {
            if (!Due) return false;
            _checkedAt = time.GetUtcNow();
            var now = Fingerprint(files);
            if (now == _seen) return false;
            _seen = now;
            return true;
        }
    }

    private static string Fingerprint(IReadOnlyList<string> files) =>
        string.Join('|', files.Select(f =>
        {
            try
            {
                return $"{f}:{Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"{f}:-";
            }
        }));
}
