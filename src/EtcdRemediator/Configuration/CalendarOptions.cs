namespace EtcdRemediator.Configuration;

/// <summary><c>Clusters:N:Schedules:M</c>: run <see cref="Action"/> at each occurrence of <see cref="Cron"/>.</summary>
internal sealed record ScheduleOptions
{
    /// <summary>snapshot, defrag, recover or disarm (as the manual trigger takes them).</summary>
    public string Action { get; set; } = "";
    /// <summary>5 fields (minute first) or 6 (seconds first), or a macro such as @weekly.</summary>
    public string Cron { get; set; } = "";
    /// <summary>An IANA zone name (Europe/Berlin); UTC when absent.</summary>
    public string TimeZone { get; set; } = "UTC";
}

/// <summary><c>Clusters:N:MaintenanceWindows:M</c>: a window opens at each occurrence of <see cref="Cron"/> for <see cref="Duration"/>.</summary>
internal sealed record MaintenanceWindowOptions
{
    public string Cron { get; set; } = "";
    public TimeSpan Duration { get; set; }
    public string TimeZone { get; set; } = "UTC";
}

/// <summary><c>Remediator:Watch</c>: the service's own look at every cluster, without an alert.</summary>
internal sealed record WatchOptions
{
    /// <summary>How often each cluster is read; the watch is off when absent.</summary>
    public TimeSpan? Interval { get; set; }
    /// <summary>When true, a member past the thresholds (or a NOSPACE alarm) starts a run, trigger kind "watch".</summary>
    public bool Remediate { get; set; }
}

/// <summary><c>Remediator:Scheduling</c>: how schedules behave across many clusters and across restarts.</summary>
internal sealed record SchedulingOptions
{
    /// <summary>Each scheduled run starts up to this long after its time, at random.</summary>
    public TimeSpan Jitter { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>A schedule missed while the service was down runs once at start-up if it was due at most this long ago.</summary>
    public TimeSpan MissedRunGrace { get; set; } = TimeSpan.FromHours(2);
}
