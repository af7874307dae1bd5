namespace EtcdRemediator.Calendar;

/// <summary>A window opens at each occurrence of its cron and stays open for its duration.</summary>
internal sealed record MaintenanceWindow(CronSchedule Opens, TimeSpan Duration);

/// <summary>Whether disruptive work may start now, and if not, when it may.</summary>
internal sealed record WindowState(bool Configured, bool Open, DateTimeOffset? OpenUntil, DateTimeOffset? NextOpensAt);

/// <summary>
/// One cluster's maintenance windows. Pure: the answer depends only on the windows and the instant
/// asked about. No window configured means always open.
/// </summary>
internal sealed class MaintenanceWindows(IReadOnlyList<MaintenanceWindow> windows)
{
    public static readonly MaintenanceWindows AlwaysOpen = new([]);

    public IReadOnlyList<MaintenanceWindow> Windows => windows;

    public bool IsConfigured => windows.Count > 0;

    public bool IsOpen(DateTimeOffset now) => StateAt(now).Open;

    public WindowState StateAt(DateTimeOffset now)
    {
        if (windows.Count == 0) return new WindowState(false, true, null, null);
        DateTimeOffset? until = null;
        foreach (var window in windows)
            if (OpenUntil(window, now) is { } end && (until is null || end > until)) until = end;
        if (until is not null) return new WindowState(true, true, until, NextOpening(now));
        return new WindowState(true, false, null, NextOpening(now));
    }

    /// <summary>The next instant a window opens after <paramref name="now"/>; null if none ever will.</summary>
    public DateTimeOffset? NextOpening(DateTimeOffset now) =>
        windows.Select(w => w.Opens.NextAfter(now)).Where(t => t is not null).Min();

    /// <summary>
    /// The end of the window open at <paramref name="now"/>, or null: the latest opening at or before now
    /// is the first one after now - duration; windows of the same cron that overlap extend it.
    /// </summary>
    private static DateTimeOffset? OpenUntil(MaintenanceWindow window, DateTimeOffset now)
    {
        if (window.Opens.NextAfter(now - window.Duration, inclusive: true) is not { } opened || opened > now) return null;
        var end = opened + window.Duration;
        if (end <= now) return null; // [opens, opens + duration): closed at its last instant
        for (var i = 0; i < 1000 && window.Opens.NextAfter(opened) is { } next && next < end; i++)
        {
            opened = next;
            end = next + window.Duration;
        }
        return end;
    }
}
