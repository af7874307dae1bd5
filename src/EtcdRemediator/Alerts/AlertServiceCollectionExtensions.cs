namespace EtcdRemediator.Alerts;

public static class AlertServiceCollectionExtensions
{
    public static IServiceCollection AddAlerts(this IServiceCollection services) => services.AddSingleton<AlertIntake>();
}
