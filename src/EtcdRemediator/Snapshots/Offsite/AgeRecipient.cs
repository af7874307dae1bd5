namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>An age X25519 recipient (a public key, <c>age1...</c>): all the service ever holds, never an identity.</summary>
internal sealed record AgeRecipient(string Text, byte[] PublicKey)
{
    private const string Hrp = "age";

    /// <summary>The recipient, or why <paramref name="text"/> is not one (shown after the setting's key).</summary>
    public static AgeRecipient? TryParse(string text, out string? problem)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("AGE-SECRET-KEY-", StringComparison.OrdinalIgnoreCase))
        {
            problem = "is an age identity (a private key); give its recipient instead (`age-keygen -y key.txt` prints it): " +
                "the service only encrypts and must never hold a key that decrypts";
            return null;
        }
        if (Bech32.Decode(trimmed, out var hrp, out var key, out problem) && hrp != Hrp)
            problem = $"is a bech32 string for '{hrp}', not an age X25519 recipient (age1...)";
        else if (problem is null && key.Length != 32)
            problem = $"holds {key.Length} bytes, not the 32 of an X25519 public key";
        if (problem is not null) return null;
        return new AgeRecipient(trimmed.ToLowerInvariant(), key);
    }

    /// <summary>The <c>age -R</c> file format: one recipient a line, <c>#</c> starts a comment line, blank lines ignored.</summary>
    public static IEnumerable<(int Line, string Text)> ReadFileLines(string path) =>
        File.ReadAllLines(path).Select((line, i) => (i + 1, line.Trim())).Where(l => l.Item2.Length > 0 && !l.Item2.StartsWith('#'));
}
