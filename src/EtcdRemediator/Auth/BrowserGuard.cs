using System.Net;

namespace EtcdRemediator.Auth;

/// <summary>
/// What a browser on the operator's machine could be tricked into. Every answer forbids framing
/// and carries a strict Content-Security-Policy (the status page loads only its own files). A
/// state change from another origin is refused. And with no tokens configured, when loopback is
/// the only protection, only loopback host names are served: a page from elsewhere that rebinds
/// its DNS name to 127.0.0.1 arrives with its own name in Host.
/// </summary>
internal sealed class BrowserGuard(TokenSet tokens) : IMiddleware
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        var request = context.Request;
        if (tokens.IsEmpty && !IsLoopbackName(request.Host.Host))
        {
            await RefuseAsync(context, $"Host '{request.Host.Host}' is not a loopback name: with no tokens configured (Remediator:Auth) " +
                "only localhost, 127.0.0.0/8 and ::1 are served. Configure tokens to serve other names.");
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && CrossOrigin(request) is { } origin)
        {
            await RefuseAsync(context, $"a state change from another origin ({origin}) is refused");
            return;
        }
        await next(context);
    }

    /// <summary>The Origin a browser sent, when it is not this service's own; null for curl and Alertmanager (no Origin).</summary>
    private static string? CrossOrigin(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"] is [var site] && site == "cross-site") return "Sec-Fetch-Site: cross-site";
        if (request.Headers.Origin is not [var origin] || string.IsNullOrEmpty(origin)) return null;
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
               && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? null
            : origin;
    }

    public static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static Task RefuseAsync(HttpContext context, string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(context);
}
