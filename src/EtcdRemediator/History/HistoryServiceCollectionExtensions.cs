using EtcdRemediator.Watch;

namespace EtcdRemediator.History;

internal static class HistoryServiceCollectionExtensions
{
    /// <summary>The watch's readings kept per member (needs <c>Watch:Interval</c>: without the watch there is nothing to keep).</summary>
    public static IServiceCollection AddHistory(this IServiceCollection services)
    {
        services.AddSingleton<HistoryStore>();
        services.AddSingleton<HistoryRecorder>();
        services.AddSingleton<IWatchObserver>(sp => sp.GetRequiredService<HistoryRecorder>());
        return services;
    }
}
