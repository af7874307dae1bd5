namespace EtcdRemediator.Scheduling;

internal static class SchedulingServiceCollectionExtensions
{
    /// <summary>Work without an alert: schedules, the release of deferred runs, the watch, and their gauges.</summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services)
    {
        services.AddSingleton<ScheduleMarkStore>();
        services.AddSingleton<ScheduleRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleRunner>());
        services.AddSingleton<WatchReadings>();
        services.AddHostedService<FragmentationWatch>();
        services.AddHostedService<MaintenanceMetrics>();
        services.AddHostedService<AdvisoryMetrics>();
        return services;
    }
}
