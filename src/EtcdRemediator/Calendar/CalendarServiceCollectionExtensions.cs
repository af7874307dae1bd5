using EtcdRemediator.Configuration;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Calendar;

internal static class CalendarServiceCollectionExtensions
{
    /// <summary>Maintenance windows decide when a defrag may start: parsed once, from the checked configuration.</summary>
    public static IServiceCollection AddCalendar(this IServiceCollection services) =>
        services.AddSingleton(sp => new MaintenanceCalendar(sp.GetRequiredService<IOptions<RemediatorOptions>>().Value.Clusters));
}
