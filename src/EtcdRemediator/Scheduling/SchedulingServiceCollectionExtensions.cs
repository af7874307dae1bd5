namespace EtcdRemediator.Scheduling;

internal static class SchedulingServiceCollectionExtensions
{
    /// <summary>Work without an alert at set times: schedules, the release of deferred runs, and their gauges.</summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services)
    {
        services.AddSingleton<ScheduleMarkStore>();
        services.AddSingleton<ScheduleRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleRunner>());
        services.AddHostedService<MaintenanceMetrics>();
        return services;
    }
}
