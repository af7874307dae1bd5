using Microsoft.AspNetCore.Authentication;

namespace EtcdRemediator.Auth;

/// <summary>Two roles: webhook tokens may only post alerts; operator tokens may do everything.</summary>
internal static class AuthPolicies
{
    public const string Webhook = "webhook";
    public const string Operator = "operator";

    public static IServiceCollection AddRemediatorAuth(this IServiceCollection services)
    {
        services.AddSingleton<TokenSet>();
        services.AddSingleton<AuthFailures>();
        services.AddSingleton<BrowserGuard>();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Webhook, p => p.RequireRole(Webhook, Operator))
            .AddPolicy(Operator, p => p.RequireRole(Operator));
        return services;
    }

    public static WebApplication UseRemediatorAuth(this WebApplication app)
    {
        app.UseMiddleware<BrowserGuard>();
        app.UseAuthentication();
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
