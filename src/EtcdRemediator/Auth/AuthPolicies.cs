using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EtcdRemediator.Auth;

/// <summary>
/// Three roles: webhook tokens may only post alerts; metrics tokens may only read /metrics (Prometheus: least
/// privilege, and a Secret of its own); operator tokens may do everything.
/// </summary>
internal static class AuthPolicies
{
    public const string Webhook = "webhook";
    public const string Operator = "operator";
    public const string Metrics = "metrics";

    public static IServiceCollection AddRemediatorAuth(this IServiceCollection services)
    {
        services.AddSingleton<TokenSet>();
        services.AddSingleton<AuthFailures>();
        services.AddSingleton<RefusalLog>();
        services.AddSingleton<ConnectionsPerAddress>();
        services.AddOptions<KestrelServerOptions>().PostConfigure<ConnectionsPerAddress>((kestrel, cap) =>
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(cap.Middleware)));
        // The base handler logs every failed authentication and every challenge at Information, under our
        // category: two lines per refusal besides RefusalLog's, unbounded. Its warnings and errors still pass.
        services.Configure<LoggerFilterOptions>(o => o.AddFilter(typeof(BearerTokenHandler).FullName, LogLevel.Warning));
        services.AddSingleton<BrowserGuard>();
        // Authentication's core and our one scheme, without AddAuthentication's data protection: nothing here
        // protects a cookie or a payload, and its key ring was loaded at every start (OpenSSL, ~/.aspnet's key files:
        // ~30 ms of the start, and a key written into the home folder of an image's read-only user).
        services.AddAuthenticationCore(o => o.DefaultScheme = BearerTokenHandler.SchemeName);
        services.AddWebEncoders();
        new AuthenticationBuilder(services)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Webhook, p => p.RequireRole(Webhook, Operator))
            .AddPolicy(Operator, p => p.RequireRole(Operator))
            .AddPolicy(Metrics, p => p.RequireRole(Metrics, Operator));
        return services;
    }

    public static WebApplication UseRemediatorAuth(this WebApplication app)
    {
        app.UseMiddleware<BrowserGuard>();
        app.UseAuthentication();
        app.Use(ConnectionsPerAddress.CloseUnlessAuthenticated);
        app.UseAuthorization();
        // After start-up, so that a configuration error is reported as one, not as a crash here.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var tokens = app.Services.GetRequiredService<TokenSet>();
            if (tokens.IsEmpty)
                app.Logger.LogWarning("No API tokens are configured (Remediator:Auth): only loopback clients are served");
            else if (!tokens.HasOperatorToken)
                app.Logger.LogWarning("Webhook tokens are configured but no operator token (Remediator:Auth:OperatorTokens or OperatorTokensFile): " +
                    "nobody can use the status, runs or manual trigger endpoints");
        });
        return app;
    }
}
