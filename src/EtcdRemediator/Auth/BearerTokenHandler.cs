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
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenSet tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (tokens.IsEmpty)
            return Task.FromResult(IsLocal(Context.Connection.RemoteIpAddress)
                ? Success(AuthPolicies.Operator, "loopback")
                : AuthenticateResult.Fail("no tokens are configured, so only loopback clients are served"));

        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.NoResult());
        var role = tokens.RoleOf(header["Bearer ".Length..].Trim());
        return Task.FromResult(role is null ? AuthenticateResult.Fail("invalid token") : Success(role, role));
    }

    private AuthenticateResult Success(string role, string name)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, role), new Claim(ClaimTypes.Name, name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    /// <summary>An in-process test host has no remote address; Kestrel over TCP always has one.</summary>
    private static bool IsLocal(IPAddress? address) => address is null || IPAddress.IsLoopback(address);
}
