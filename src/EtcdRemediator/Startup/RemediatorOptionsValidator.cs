using System.Text.RegularExpressions;
using EtcdRemediator.Alerts;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Startup;

/// <summary>
/// Checks the whole configuration at start-up. Every message starts with the full key
/// (<c>Remediator:Policy:Cooldown</c>), so the operator knows what to fix without reading code.
/// </summary>
internal sealed partial class RemediatorOptionsValidator(ConfigurationCheck check, IEnumerable<IClusterBackend> backends, TimeProvider time)
    : IValidateOptions<RemediatorOptions>
{
    private const string Root = RemediatorOptions.Section;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex ClusterNamePattern();

    public ValidateOptionsResult Validate(string? name, RemediatorOptions options)
    {
        // Keys that were unknown or unreadable come first: a value refused there is absent below.
        var warnings = new List<string>();
        var errors = check.Errors.Concat(Collect(options, now: time.GetUtcNow(), warnings: warnings, backends: [.. backends])).ToList();
        Warnings = warnings;
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>What the last validation found worth saying but not worth refusing (a certificate that expires soon).</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <param name="resolveTalos">How the shipped Talos backend reads a talosconfig, when <paramref name="backends"/> is null.</param>
    /// <param name="backends">The registered backends; the shipped ones when null (a test, or a check without the container).</param>
    public static IEnumerable<string> Collect(RemediatorOptions o, Func<ClusterOptions, Etcd.Talos.TalosConnection>? resolveTalos = null,
        DateTimeOffset? now = null, ICollection<string>? warnings = null, bool? inKubernetes = null, IReadOnlyList<IClusterBackend>? backends = null)
    {
        resolveTalos ??= Etcd.Talos.TalosConnection.Resolve;
        backends ??= Clusters.ClusterBackends.Shipped(resolveTalos);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < o.Clusters.Count; i++)
        {
            var backend = backends.Named(o.Clusters[i].Backend);
            foreach (var error in ValidateCluster(o.Clusters[i], $"{Root}:Clusters:{i}", backend, backends)) yield return error;
            foreach (var error in backend?.CheckCredentials(o.Clusters[i], $"{Root}:Clusters:{i}", now ?? DateTimeOffset.UtcNow, warnings) ?? [])
                yield return error;
            foreach (var error in ValidateCalendar(o.Clusters[i], $"{Root}:Clusters:{i}", o.Policy)) yield return error;
            foreach (var error in Advisories.AcceptedAdvisoriesCheck.Errors(o.Clusters[i], $"{Root}:Clusters:{i}")) yield return error;
            if (DefragRules.DefragRuleBook.Error(o.Clusters[i], i) is { } ruleError) yield return ruleError;
            if (!string.IsNullOrWhiteSpace(o.Clusters[i].Name) && !seen.Add(o.Clusters[i].Name))
                yield return $"{Root}:Clusters:{i}:Name: '{o.Clusters[i].Name}' is configured twice; cluster names must be unique.";
        }

        var p = o.Policy;
        var policy = $"{Root}:Policy";
        if (p.MinFragmentationRatio is < 0 or >= 1)
            yield return $"{policy}:MinFragmentationRatio: must be at least 0 and below 1 (got {p.MinFragmentationRatio}).";
        if (p.MinReclaimableBytes < 0)
            yield return $"{policy}:MinReclaimableBytes: must not be negative.";
        if (p.DisarmBelowQuotaRatio is <= 0 or > 1)
            yield return $"{policy}:DisarmBelowQuotaRatio: must be above 0 and at most 1 (got {p.DisarmBelowQuotaRatio}).";
        foreach (var (key, value) in new[] { ("Cooldown", p.Cooldown), ("PauseBetweenMembers", p.PauseBetweenMembers) })
            if (value < TimeSpan.Zero) yield return $"{policy}:{key}: must not be negative.";
        foreach (var (key, value) in new[] { ("DefragTimeout", p.DefragTimeout), ("RequestTimeout", p.RequestTimeout),
            ("CatchUpTimeout", p.CatchUpTimeout) })
            if (value <= TimeSpan.Zero) yield return $"{policy}:{key}: must be a positive duration such as 00:10:00.";
        if (p.CircuitBreakerThreshold < 1)
            yield return $"{policy}:CircuitBreakerThreshold: must be at least 1.";
        if (p.MaxConcurrentClusters < 1)
            yield return $"{policy}:MaxConcurrentClusters: must be at least 1.";

        if (string.IsNullOrWhiteSpace(o.Snapshots.Directory))
            yield return $"{Root}:Snapshots:Directory: must name a directory.";
        if (o.Snapshots.Retain < 1)
            yield return $"{Root}:Snapshots:Retain: must keep at least 1 snapshot.";
        if (o.Snapshots.StallTimeout <= TimeSpan.Zero)
            yield return $"{Root}:Snapshots:StallTimeout: must be a positive duration.";
        foreach (var error in Snapshots.Offsite.OffsiteCheck.Errors(o.Snapshots.Offsite, $"{Root}:Snapshots:Offsite", warnings)) yield return error;
        if (string.IsNullOrWhiteSpace(o.Storage.Path))
            yield return $"{Root}:Storage:Path: must name the run database file.";
        if (o.Storage.AuditRetention <= TimeSpan.Zero || o.Storage.RunRetention <= TimeSpan.Zero)
            yield return $"{Root}:Storage:AuditRetention and RunRetention: must be positive durations.";
        if (o.Storage.AuditMaxEntries < 1 || o.Storage.MaxRuns < 100)
            yield return $"{Root}:Storage:AuditMaxEntries must be at least 1 and MaxRuns at least 100 " +
                $"(the breaker and cooldown are derived from recent runs).";
        if (o.Storage.AuditMaxBytes < 1024 * 1024)
            yield return $"{Root}:Storage:AuditMaxBytes: must be at least 1MiB (a delivery may keep 64 KiB of its body).";

        if (string.IsNullOrWhiteSpace(o.Alerts.ClusterLabel))
            yield return $"{Root}:Alerts:ClusterLabel: must name a label.";
        if (o.Auth.MaxFailuresPerMinute is < 0 or > 100_000)
            yield return $"{Root}:Auth:MaxFailuresPerMinute: must be from 0 (no limit) to 100000.";
        if (o.Auth.MaxConnectionsPerAddress is < 0 or > 100_000)
            yield return $"{Root}:Auth:MaxConnectionsPerAddress: must be from 0 (no limit) to 100000.";
        if (o.Alerts.MaxDeliveriesPerSecond is < 0 or > 100_000)
            yield return $"{Root}:Alerts:MaxDeliveriesPerSecond: must be from 0 (no limit) to 100000.";
        if (o.Alerts.MaxBodyBytes < 1024)
            yield return $"{Root}:Alerts:MaxBodyBytes: must be at least 1024.";
        foreach (var (label, pattern) in o.Alerts.RequireLabels)
            if (AlertRouter.PatternError(pattern) is { } error)
                yield return $"{Root}:Alerts:RequireLabels:{label}: '{pattern}' is not a regular expression: {error}";
        foreach (var (alert, action) in o.Alerts.Routes)
            if (!RemediationActions.TryParse(action, out _))
                yield return $"{Root}:Alerts:Routes:{alert}: '{action}' is not an action; use one of {string.Join(", ", RemediationActions.Names)}.";

        if (o.Watch.Interval is { } interval && interval < TimeSpan.FromSeconds(1))
            yield return $"{Root}:Watch:Interval: must be at least 1s (got {interval}); leave it out to turn the watch off.";
        if (o.Watch.Remediate && o.Watch.Interval is null)
            yield return $"{Root}:Watch:Remediate: needs {Root}:Watch:Interval (how often to look), such as 5m.";
        if (o.Scheduling.Jitter < TimeSpan.Zero)
            yield return $"{Root}:Scheduling:Jitter: must not be negative.";
        if (o.Scheduling.MissedRunGrace < TimeSpan.Zero)
            yield return $"{Root}:Scheduling:MissedRunGrace: must not be negative.";
        if (o.Forecast.Window < TimeSpan.FromMinutes(1))
            yield return $"{Root}:Forecast:Window: must be at least 1m (got {o.Forecast.Window}); a forecast needs a few readings to fit.";
        if (o.Forecast.Horizon <= TimeSpan.Zero)
            yield return $"{Root}:Forecast:Horizon: must be a positive duration such as 24h.";

        foreach (var error in AuthCheck.Errors(o.Auth, $"{Root}:Auth",
            inKubernetes ?? Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 }))
            yield return error;
    }

    /// <summary>Schedules and maintenance windows: a cron that parses and occurs, a zone the system knows, a usable window.</summary>
    private static IEnumerable<string> ValidateCalendar(ClusterOptions c, string key, PolicyOptions policy)
    {
        for (var j = 0; j < c.Schedules.Count; j++)
        {
            var s = c.Schedules[j];
            if (!RemediationActions.TryParse(s.Action, out _))
                yield return $"{key}:Schedules:{j}:Action: '{s.Action}' is not an action; use one of {string.Join(", ", RemediationActions.Names)}.";
            foreach (var error in ValidateCron(s.Cron, s.TimeZone, $"{key}:Schedules:{j}")) yield return error;
        }
        for (var j = 0; j < c.MaintenanceWindows.Count; j++)
        {
            var w = c.MaintenanceWindows[j];
            foreach (var error in ValidateCron(w.Cron, w.TimeZone, $"{key}:MaintenanceWindows:{j}")) yield return error;
            if (w.Duration < policy.DefragTimeout)
                yield return $"{key}:MaintenanceWindows:{j}:Duration: {w.Duration} is shorter than " +
                    $"{Root}:Policy:DefragTimeout ({policy.DefragTimeout}); " +
                    "a window must fit at least one member's defragment.";
        }
    }

    private static IEnumerable<string> ValidateCron(string cron, string timeZone, string key)
    {
        if (!Calendar.CronSchedule.TryFindZone(timeZone, out _))
        {
            yield return $"{key}:TimeZone: '{timeZone}' is not a time zone this system knows; use an IANA name such as UTC or Europe/Berlin.";
            yield break;
        }
        if (!Calendar.CronSchedule.TryParse(cron, timeZone, out var schedule, out var problem))
            yield return $"{key}:Cron: {problem}.";
        else if (schedule.NextAfter(DateTimeOffset.UtcNow) is null)
            yield return $"{key}:Cron: '{cron}' never occurs.";
    }

    private static IEnumerable<string> ValidateCluster(ClusterOptions c, string key, IClusterBackend? backend,
        IReadOnlyList<IClusterBackend> backends)
    {
        if (string.IsNullOrWhiteSpace(c.Name) || !ClusterNamePattern().IsMatch(c.Name))
            yield return $"{key}:Name: '{c.Name}' is not a valid cluster name (letters, digits, '.', '_', '-'; at most 63).";
        if (c.QuotaBackendBytes <= 0)
            yield return $"{key}:QuotaBackendBytes: must be positive (etcd's default is 2147483648).";
        if (backend is null)
        {
            // Only where the configuration check did not ask the same backends (it refuses an unknown name before binding).
            yield return $"{key}:Backend: '{c.Backend}' is not available in this build; " +
                $"use one of {string.Join(", ", backends.Select(b => b.Name))}.";
            yield break;
        }
        foreach (var error in backend.Validate(c, key)) yield return error;
    }
}
