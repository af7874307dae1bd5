using EtcdRemediator.Api;
using EtcdRemediator.Snapshots;
using EtcdRemediator.Storage;
using FluentValidation;

namespace EtcdRemediator.Remediation;

public static class RemediationServiceCollectionExtensions
{
    public static IServiceCollection AddRemediation(this IServiceCollection services)
    {
        services.AddSingleton<RemediatorDatabase>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<AlertAuditStore>();
        services.AddSingleton<SnapshotStore>();
        // Windows decide when a defrag may start: parsed once, from the checked configuration.
        services.AddSingleton(sp => new Calendar.MaintenanceCalendar(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.RemediatorOptions>>().Value.Clusters
            .Select(c => (c.Name, (IReadOnlyList<Calendar.ScheduleOptions>)c.Schedules, (IReadOnlyList<Calendar.MaintenanceWindowOptions>)c.MaintenanceWindows))));
        services.AddSingleton<RemediationCoordinator>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<QuotaReader>();
        services.AddHostedService<RemediationWorker>();
        services.AddSingleton<StoreRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreRetention>());
        services.AddValidatorsFromAssemblyContaining<RemediationRequestValidator>(ServiceLifetime.Singleton);
        return services;
    }
}
