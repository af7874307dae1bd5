using FluentValidation;

namespace EtcdRemediator.Alerts;

public static class AlertServiceCollectionExtensions
{
    /// <summary>The webhook's parts: its validator, the intake, and the audit of deliveries.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services) =>
        services
            .AddSingleton<IValidator<AlertmanagerPayload>, AlertmanagerPayloadValidator>()
            .AddSingleton<AlertAuditStore>()
            .AddSingleton<AlertIntake>();
}
