using FluentValidation;

namespace EtcdRemediator.Alerts;

internal static class AlertServiceCollectionExtensions
{
    /// <summary>The webhook's parts: its validator, the intake, the audit of deliveries and the limit per token.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services) =>
        AlertJson.AddTo(services)
            .AddWebhookRateLimit()
            .AddSingleton<IValidator<AlertmanagerPayload>, AlertmanagerPayloadValidator>()
            .AddSingleton<AlertAuditStore>()
            .AddSingleton<AlertIntake>();
}
