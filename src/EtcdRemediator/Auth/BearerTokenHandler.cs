using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Auth;

/// <summary>
/// "Authorization: Bearer &lt;token&gt;" against <see cref="TokenSet"/>. With no tokens configured,
/// loopback clients are operators and everyone else is turned away: the quick start just works
/// and a forgotten configuration never exposes the API.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenSet tokens,
    AuthFailures failures,
    RefusalLog refusals) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (tokens.IsEmpty)
            return Task.FromResult(!IsLocal(Context.Connection.RemoteIpAddress)
                ? AuthenticateResult.Fail("no tokens are configured, so only loopback clients are served")
                : ProxyHeaders.FirstIn(Request.Headers) is { } proxied
                    ? AuthenticateResult.Fail($"no tokens are configured, so only direct loopback clients are served, and this request came " +
                        $"through a proxy ({proxied}); configure tokens (Remediator:Auth)")
                    : Success(AuthPolicies.Operator, "loopback"));

        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.NoResult());
        // A right token always passes: an address can be shared (a sidecar proxy's 127.0.0.6, a node's
        // NAT), and Alertmanager must not be locked out by whoever guesses beside it. Guessing a token
        // of 16 characters or more is hopeless anyway; the lockout keeps guesses cheap and quiet.
        if (tokens.Identify(header["Bearer ".Length..].Trim()) is { } holder)
            return Task.FromResult(Success(holder.Role, holder.Name));
        if (failures.LockedFor(Context.Connection.RemoteIpAddress) is { } left)
            return Task.FromResult(AuthenticateResult.Fail(new LockedOutException(left)));
        failures.Failed(Context.Connection.RemoteIpAddress);
        return Task.FromResult(AuthenticateResult.Fail("the token is not one of the configured ones"));
    }

    private sealed class LockedOutException(TimeSpan left)
        : Exception($"too many wrong tokens from this address within a minute; try again in {Math.Ceiling(left.TotalSeconds)} s")
    {
        public int RetryAfterSeconds { get; } = Math.Max(1, (int)Math.Ceiling(left.TotalSeconds));
    }

    private static AuthenticateResult Success(string role, string name)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, role), new Claim(ClaimTypes.Name, name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is LockedOutException locked)
        {
            Response.Headers.RetryAfter = locked.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, detail: locked.Message).ExecuteAsync(Context);
            Logger.LogDebug("Refused {Method} {Path} from {Client}: {Detail}", Request.Method, Request.Path.ToUriComponent(),
                Context.Connection.RemoteIpAddress, locked.Message);
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var header = Request.Headers.Authorization.ToString();
        var detail = result.Failure?.Message
            ?? (header.Length == 0 ? "no token: send Authorization: Bearer <token>" : "the Authorization header is not of the form 'Bearer <token>'");
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: detail).ExecuteAsync(Context);
        refusals.Refused(Context.Connection.RemoteIpAddress, $"{Request.Method} {Request.Path.ToUriComponent()}", detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var mayOnly = Context.User.IsInRole(AuthPolicies.Metrics)
            ? "this token may only read /metrics (a metrics token)"
            : "this token may only post alerts (a webhook token)";
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: $"{mayOnly}; this endpoint needs an operator token")
            .ExecuteAsync(Context);
    }

    /// <summary>An in-process test host has no remote address; Kestrel over TCP always has one.</summary>
    private static bool IsLocal(IPAddress? address) => address is null || IPAddress.IsLoopback(address);
}
