namespace EtcdRemediator.Configuration;

/// <summary>
/// "Did you mean": the one edit distance the service uses, for configuration keys, environment variable
/// prefixes and request fields alike, so that every misspelling is answered the same way. Case is ignored.
/// </summary>
internal static class Spelling
{
    /// <summary>The known name nearest to <paramref name="written"/>, when at most <paramref name="maxDistance"/> edits away.</summary>
    public static string? Nearest(IEnumerable<string> known, string written, int maxDistance) =>
        known.Select(k => (Name: k, Distance: Distance(k, written))).Where(k => k.Distance <= maxDistance)
            .OrderBy(k => k.Distance).Select(k => k.Name).FirstOrDefault();

    /// <summary>Levenshtein distance, ignoring case: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) d[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = d[0];
            d[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = d[j];
                d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return d[b.Length];
    }
}
