using System.Collections.Frozen;
using System.Text.Json.Serialization;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Remediation.Runs;

namespace EtcdRemediator.Remediation;

/// <summary>Who or what asked for a run. What each kind implies is in <see cref="TriggerTraits"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TriggerKind>))]
internal enum TriggerKind
{
    [JsonStringEnumMemberName("manual")] Manual,
    [JsonStringEnumMemberName("alert")] Alert,
    [JsonStringEnumMemberName("schedule")] Schedule,
    [JsonStringEnumMemberName("watch")] Watch,
    /// <summary>A trigger that joined a running run and asked for more: it runs after it, as itself.</summary>
    [JsonStringEnumMemberName("follow-up")] FollowUp,
    /// <summary>A maintenance window that opened and released a deferred run.</summary>
    [JsonStringEnumMemberName("window")] Window,
    /// <summary>The forecast: a member's file reaches its quota within Forecast:Horizon, and a defrag gives the room back.</summary>
    [JsonStringEnumMemberName("forecast")] Forecast,
}

/// <summary>
/// Everything the rules know of a trigger kind, one row per kind (a test loops over every value).
/// </summary>
/// <param name="ByPerson">An operator asked: always kept in a run's audit, and a recover then never waits for a window.</param>
/// <param name="SnapshotsWaitOutCooldown">Its snapshots wait out the cooldown after a run that took one (alerts repeat;
/// each may be the size of the database).</param>
/// <param name="JoinedARun">It joined a run that was running: that run's own cooldown does not hold it back (the breaker does).</param>
internal sealed record TriggerTraits(TriggerKind Kind, string Name, bool ByPerson, bool SnapshotsWaitOutCooldown, bool JoinedARun);

internal static class TriggerKinds
{
    private static readonly TriggerTraits[] Rows =
    [
        new(TriggerKind.Manual, "manual", ByPerson: true, SnapshotsWaitOutCooldown: false, JoinedARun: false),
        new(TriggerKind.Alert, "alert", ByPerson: false, SnapshotsWaitOutCooldown: true, JoinedARun: false),
        new(TriggerKind.Schedule, "schedule", ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: false),
        new(TriggerKind.Watch, "watch", ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: false),
        new(TriggerKind.FollowUp, "follow-up", ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: true),
        new(TriggerKind.Window, "window", ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: false),
        new(TriggerKind.Forecast, "forecast", ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: false),
    ];

    public static readonly FrozenDictionary<TriggerKind, TriggerTraits> Traits = Rows.ToFrozenDictionary(t => t.Kind);

    public static TriggerTraits Of(this TriggerKind kind) => Traits[kind];

    public static string ToName(this TriggerKind kind) => kind.Of().Name;
}
