using EtcdRemediator.Configuration;

namespace EtcdRemediator.Calendar;

/// <summary>One configured schedule of one cluster, parsed.</summary>
internal sealed record Schedule(string Cluster, int Index, string Action, CronSchedule Cron)
{
    /// <summary>What the store remembers a schedule by: a changed cron or action is a new schedule, owing nothing.</summary>
    public string Key => $"{Cluster}|{Action}|{Cron.Text}|{Cron.Zone.Id}";

    public override string ToString() => $"schedule {Index} ({Action} at '{Cron}')";
}

/// <summary>Every cluster's schedules and maintenance windows, parsed once from the configuration.</summary>
internal sealed class MaintenanceCalendar
{
    private readonly Dictionary<string, MaintenanceWindows> _windows = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IReadOnlyList<Schedule>> _schedules = new(StringComparer.OrdinalIgnoreCase);

    public static readonly MaintenanceCalendar Empty = new([]);

    /// <summary>Entries that do not parse are left out: the configuration check refuses them at start-up.</summary>
    public MaintenanceCalendar(IEnumerable<ClusterOptions> clusters)
    {
        foreach (var (cluster, schedules, windows) in clusters.Select(c => (c.Name, c.Schedules, c.MaintenanceWindows)))
        {
            _schedules[cluster] = [.. schedules
                .Select((s, i) => CronSchedule.TryParse(s.Cron, s.TimeZone, out var cron, out _) ? new Schedule(cluster, i, s.Action, cron) : null)
                .OfType<Schedule>()];
            _windows[cluster] = new MaintenanceWindows([.. windows
                .Select(w => CronSchedule.TryParse(w.Cron, w.TimeZone, out var cron, out _) ? new MaintenanceWindow(cron, w.Duration) : null)
                .OfType<MaintenanceWindow>()]);
        }
    }

    public MaintenanceWindows WindowsOf(string cluster) => _windows.GetValueOrDefault(cluster) ?? MaintenanceWindows.AlwaysOpen;

    public IReadOnlyList<Schedule> SchedulesOf(string cluster) => _schedules.GetValueOrDefault(cluster) ?? [];

    public IEnumerable<Schedule> AllSchedules => _schedules.Values.SelectMany(s => s);
}
