namespace EtcdRemediator.Auth;

/// <summary>
/// A proxy's mark on a request: a loopback connection through a proxy is anyone's request, so the tokenless mode serves
/// none that carries one. `Forwarded`, `Via`, any `X-Forwarded-*`, `X-Original-*` (which ASP.NET Core's forwarded-headers
/// middleware leaves when it has rewritten the client address), and the client-address headers that CDNs, load
/// balancers and Envoy set instead of `X-Forwarded-For`.
/// </summary>
internal static class ProxyHeaders
{
    private static readonly string[] Names =
    [
        "Forwarded", "Via", "X-Real-IP", "X-Client-IP", "True-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP",
        "X-Cluster-Client-IP", "X-Envoy-External-Address",
    ];

    private static readonly string[] Prefixes = ["X-Forwarded-", "X-Original-"];

    /// <summary>The first header that marks the request as proxied, or null.</summary>
    public static string? FirstIn(IHeaderDictionary headers) =>
        headers.Keys.FirstOrDefault(h => Names.Contains(h, StringComparer.OrdinalIgnoreCase)
            || Prefixes.Any(p => h.StartsWith(p, StringComparison.OrdinalIgnoreCase)));
}
