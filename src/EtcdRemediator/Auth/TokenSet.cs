using System.Security.Cryptography;
using System.Text;
using EtcdRemediator.Configuration;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Auth;

/// <summary>
/// The configured bearer tokens, held as SHA-256 digests. A presented token is hashed and compared
/// with every digest in constant time, so neither its length nor its first differing byte, nor
/// which role matched, shows in the timing.
/// </summary>
public sealed class TokenSet
{
    private readonly List<(byte[] Digest, string Role)> _tokens = [];

    public TokenSet(IOptions<RemediatorOptions> options)
    {
        var auth = options.Value.Auth;
        Add(AuthPolicies.Webhook, auth.WebhookTokens.Concat(ReadFile(auth.WebhookTokensFile)));
        Add(AuthPolicies.Operator, auth.OperatorTokens.Concat(ReadFile(auth.OperatorTokensFile)));
    }

    /// <summary>Shorter tokens are refused at start-up: a guessable token is no token.</summary>
    public const int MinimumLength = 16;

    /// <summary>No token configured at all: the service answers loopback clients only.</summary>
    public bool IsEmpty => _tokens.Count == 0;

    public bool HasOperatorToken => _tokens.Any(t => t.Role == AuthPolicies.Operator);

    public string? RoleOf(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? role = null;
        foreach (var (known, knownRole) in _tokens)
            if (CryptographicOperations.FixedTimeEquals(digest, known) && role != AuthPolicies.Operator)
                role = knownRole;
        return role;
    }

    private void Add(string role, IEnumerable<string> tokens)
    {
        foreach (var token in tokens.Select(t => t.Trim()).Where(t => t.Length > 0))
            _tokens.Add((SHA256.HashData(Encoding.UTF8.GetBytes(token)), role));
    }

    /// <summary>One token per line, as Alertmanager's credentials_file holds one; '#' starts a comment; blank lines are none.</summary>
    public static IEnumerable<string> ReadFile(string? path) =>
        path is null ? [] : File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));
}
