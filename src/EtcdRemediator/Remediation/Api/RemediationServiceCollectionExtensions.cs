using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Remediation.Runs;

namespace EtcdRemediator.Remediation.Api;

internal static class RemediationServiceCollectionExtensions
{
    /// <summary>Runs: their store, the coordinator that decides, the executor and worker that carry them out
    /// (with the snapshots, the calendar and the defrag rules, each added by its own line in Program.cs).</summary>
    public static IServiceCollection AddRemediation(this IServiceCollection services)
    {
        RunJson.AddTo(services);
        services.AddSingleton<RunStore>();
        services.AddSingleton<INoSpaceProbe, NoSpaceProbe>();
        services.AddSingleton<RemediationCoordinator>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<QuotaReader>();
        services.AddHostedService<RemediationWorker>();
        services.AddHostedService<RunGauges>();
        services.AddHealthChecks().AddCheck<RunStoreHealthCheck>("run-store", tags: ["ready"]);
        return services;
    }
}
