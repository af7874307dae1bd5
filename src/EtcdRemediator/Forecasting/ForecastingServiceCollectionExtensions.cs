using EtcdRemediator.Watch;

namespace EtcdRemediator.Forecasting;

internal static class ForecastingServiceCollectionExtensions
{
    /// <summary>Forecasts from the history. After AddHistory: observers are told in the order they were added.</summary>
    public static IServiceCollection AddForecasting(this IServiceCollection services)
    {
        services.AddSingleton<ForecastBook>();
        services.AddSingleton<IWatchObserver>(sp => sp.GetRequiredService<ForecastBook>());
        services.AddSingleton<IWatchObserver, ForecastResponder>(); // after the book: it reads the forecasts just made
        services.AddHostedService<ForecastMetrics>();
        return services;
    }
}
