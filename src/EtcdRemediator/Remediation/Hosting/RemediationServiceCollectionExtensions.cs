using EtcdRemediator.Calendar;
using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Remediation.Runs;
using EtcdRemediator.Snapshots;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Remediation.Hosting;

internal static class RemediationServiceCollectionExtensions
{
    /// <summary>Runs: their store, the coordinator that decides, the executor and worker that carry them out.</summary>
    public static IServiceCollection AddRemediation(this IServiceCollection services)
    {
        services.AddSingleton<RunStore>();
        services.AddSingleton<SnapshotStore>();
        // Windows decide when a defrag may start: parsed once, from the checked configuration.
        services.AddSingleton(sp => new MaintenanceCalendar(sp.GetRequiredService<IOptions<RemediatorOptions>>().Value.Clusters));
        services.AddSingleton<INoSpaceProbe, NoSpaceProbe>();
        services.AddSingleton<RemediationCoordinator>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<QuotaReader>();
        services.AddSingleton<DefragRules.DefragRuleBook>();
        services.AddHostedService<RemediationWorker>();
        services.AddHostedService<RunGauges>();
        services.AddHealthChecks().AddCheck<RunStoreHealthCheck>("run-store", tags: ["ready"]);
        return services;
    }
}
