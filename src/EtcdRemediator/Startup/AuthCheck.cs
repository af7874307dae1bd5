using EtcdRemediator.Auth;
using EtcdRemediator.Configuration;

namespace EtcdRemediator.Startup;

/// <summary>
/// The tokens at start-up: a configured token file must hold a token (an empty file must not switch
/// the service silently to its tokenless loopback mode), every token must be long enough and not the
/// placeholder the repository ships, and a pod never runs tokenless unless told to.
/// </summary>
internal static class AuthCheck
{
    public static IEnumerable<string> Errors(AuthOptions auth, string key, bool inKubernetes)
    {
        var tokens = new List<(string Key, string Token)>();
        tokens.AddRange(auth.WebhookTokens.Select((t, i) => ($"{key}:WebhookTokens:{i}", t.Trim())));
        tokens.AddRange(auth.OperatorTokens.Select((t, i) => ($"{key}:OperatorTokens:{i}", t.Trim())));
        tokens.AddRange(auth.MetricsTokens.Select((t, i) => ($"{key}:MetricsTokens:{i}", t.Trim())));
        foreach (var (name, file) in new[]
                 {
                     ("WebhookTokensFile", auth.WebhookTokensFile), ("OperatorTokensFile", auth.OperatorTokensFile),
                     ("MetricsTokensFile", auth.MetricsTokensFile),
                 })
        {
            if (file is null) continue;
            if (!File.Exists(file))
            {
                yield return $"{key}:{name}: file '{file}' does not exist.";
                continue;
            }
            var fromFile = TokenSet.ReadFile(file).ToList();
            if (fromFile.Count == 0)
                yield return $"{key}:{name}: file '{file}' holds no token (one per line; '#' starts a comment). " +
                    $"Write one, such as the output of `openssl rand -hex 32`.";
            tokens.AddRange(fromFile.Select(t => ($"{key}:{name} ('{file}')", t)));
        }
        foreach (var (name, _) in tokens.Where(t => t.Token.Length == 0 && !t.Key.Contains("File", StringComparison.Ordinal)))
            yield return $"{name}: is empty (an empty Secret key or variable?); give a token, or leave the setting out.";
        foreach (var (name, token) in tokens.Where(t => t.Token.Length > 0))
        {
            if (token.StartsWith("change-me", StringComparison.OrdinalIgnoreCase))
                yield return $"{name}: is the placeholder from the repository; make a token of your own, such as `openssl rand -hex 32`.";
            else if (token.Length < TokenSet.MinimumLength)
                yield return $"{name}: a token of {token.Length} characters is too short; use at least {TokenSet.MinimumLength}, " +
                    $"such as `openssl rand -hex 32`.";
        }
        if (inKubernetes && tokens.All(t => t.Token.Length == 0) && !auth.AllowLoopbackWithoutTokens)
            yield return $"{key}: no tokens are configured and the service runs in Kubernetes (KUBERNETES_SERVICE_HOST is set), " +
                         $"where \"loopback\" includes sidecar proxies and kubectl port-forward. " +
                         $"Configure {key}:OperatorTokensFile and {key}:WebhookTokensFile, or set {key}:AllowLoopbackWithoutTokens=true.";
    }
}
