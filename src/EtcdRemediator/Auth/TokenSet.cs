using System.Security.Cryptography;
using System.Text;
using EtcdRemediator.Configuration;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Auth;

/// <summary>Who a token is: its role and a name that says which configured token it is ("operator token 2").</summary>
internal sealed record TokenHolder(string Role, string Name);

/// <summary>
/// The configured bearer tokens, held as SHA-256 digests. A presented token is hashed and compared
/// with every digest in constant time, so neither its length nor its first differing byte, nor
/// which role matched, shows in the timing. Token files are read again when their content changes
/// (looked at most every <see cref="RecheckInterval"/>), so revoking a token needs no restart; a
/// file that disappears or empties revokes its tokens. Whether the service is tokenless (loopback
/// mode) is decided once, from the configuration: a file emptied later never opens that mode.
/// </summary>
internal sealed class TokenSet
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(2);

    private readonly AuthOptions _auth;
    private readonly ILogger<TokenSet> _logger;
    private readonly FileContentWatch _files;
    private IReadOnlyList<(byte[] Digest, TokenHolder Holder)> _tokens = [];

    public TokenSet(IOptions<RemediatorOptions> options, TimeProvider time, ILogger<TokenSet> logger)
    {
        (_auth, _logger) = (options.Value.Auth, logger);
        IsEmpty = _auth.WebhookTokens.Concat(_auth.OperatorTokens).Concat(_auth.MetricsTokens).All(t => t.Trim().Length == 0)
            && Files.All(f => f is null);
        _files = new FileContentWatch([.. Files.OfType<string>()], RecheckInterval, time);
        Reload(initial: true);
    }

    private string?[] Files => [_auth.WebhookTokensFile, _auth.OperatorTokensFile, _auth.MetricsTokensFile];

    /// <summary>Shorter tokens are refused at start-up: a guessable token is no token.</summary>
    public const int MinimumLength = 16;

    /// <summary>No token configured at all: the service answers loopback clients only.</summary>
    public bool IsEmpty { get; }

    public bool HasOperatorToken => Current.Any(t => t.Holder.Role == AuthPolicies.Operator);

    public TokenHolder? Identify(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        TokenHolder? holder = null;
        foreach (var (known, who) in Current)
            if (CryptographicOperations.FixedTimeEquals(digest, known) && holder?.Role != AuthPolicies.Operator)
                holder = who;
        return holder;
    }

    private IReadOnlyList<(byte[] Digest, TokenHolder Holder)> Current
    {
        get
        {
            if (_files.Changed()) Reload(initial: false);
            return _tokens;
        }
    }

    private void Reload(bool initial)
    {
        var tokens = new List<(byte[], TokenHolder)>();
        Add(tokens, AuthPolicies.Webhook, _auth.WebhookTokens.Concat(ReadFile(_auth.WebhookTokensFile, missingIsEmpty: !initial)));
        Add(tokens, AuthPolicies.Operator, _auth.OperatorTokens.Concat(ReadFile(_auth.OperatorTokensFile, missingIsEmpty: !initial)));
        Add(tokens, AuthPolicies.Metrics, _auth.MetricsTokens.Concat(ReadFile(_auth.MetricsTokensFile, missingIsEmpty: !initial)));
        _tokens = tokens;
        if (!initial)
            _logger.LogInformation("Token files changed: now {Webhook} webhook, {Operator} operator and {Metrics} metrics tokens",
                tokens.Count(t => t.Item2.Role == AuthPolicies.Webhook), tokens.Count(t => t.Item2.Role == AuthPolicies.Operator),
                tokens.Count(t => t.Item2.Role == AuthPolicies.Metrics));
    }

    private static void Add(List<(byte[], TokenHolder)> into, string role, IEnumerable<string> tokens)
    {
        var n = 0;
        foreach (var token in tokens.Select(t => t.Trim()).Where(t => t.Length > 0))
            into.Add((SHA256.HashData(Encoding.UTF8.GetBytes(token)), new TokenHolder(role, $"{role} token {++n}")));
    }

    private static string Read(string? path)
    {
        try
        {
            return path is null ? "" : File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>One token per line, as Alertmanager's credentials_file holds one; '#' starts a comment; blank lines are none.</summary>
    public static IEnumerable<string> ReadFile(string? path, bool missingIsEmpty = false) =>
        path is null || (missingIsEmpty && !File.Exists(path)) ? []
            : Read(path).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));
}
