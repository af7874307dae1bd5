using System.Collections.Frozen;
using System.Text.Json.Serialization;

namespace EtcdRemediator.Remediation;

/// <summary>
/// Who or what asked for a run: a person (manual), an alert, a schedule, the watch; a follow-up (a trigger that joined a
/// running run and asked for more: it runs after it, as itself); a window (a maintenance window that opened and released
/// a deferred run); the forecast (a member's file reaches its quota within Forecast:Horizon, and a defrag gives the room
/// back). What each kind implies is in <see cref="TriggerTraits"/>.
/// </summary>
[JsonConverter(typeof(WireNameConverter<TriggerKind>))]
internal enum TriggerKind { Manual, Alert, Schedule, Watch, FollowUp, Window, Forecast }

/// <summary>
/// Everything the rules know of a trigger kind, one row per kind (a test loops over every value).
/// </summary>
/// <param name="ByPerson">An operator asked: always kept in a run's audit, and a recover then never waits for a window.</param>
/// <param name="SnapshotsWaitOutCooldown">Its snapshots wait out the cooldown after a run that took one (alerts repeat;
/// each may be the size of the database).</param>
/// <param name="JoinedARun">It joined a run that was running: that run's own cooldown does not hold it back (the breaker does).</param>
/// <param name="BacksOffFromRefusals">It asks again by itself (every interval, every alert repeat): after refused runs it backs off
/// (<see cref="Policy.RefusalStreak"/>) instead of recording a refused run each time.</param>
internal sealed record TriggerTraits(TriggerKind Kind, bool ByPerson, bool SnapshotsWaitOutCooldown, bool JoinedARun, bool BacksOffFromRefusals)
{
    public string Name { get; } = WireName.Of(Kind);
}

internal static class TriggerKinds
{
    private static readonly TriggerTraits[] Rows =
    [
        new(TriggerKind.Manual, ByPerson: true, SnapshotsWaitOutCooldown: false, JoinedARun: false, BacksOffFromRefusals: false),
        new(TriggerKind.Alert, ByPerson: false, SnapshotsWaitOutCooldown: true, JoinedARun: false, BacksOffFromRefusals: true),
        new(TriggerKind.Schedule, ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: false, BacksOffFromRefusals: true),
        new(TriggerKind.Watch, ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: false, BacksOffFromRefusals: true),
        new(TriggerKind.FollowUp, ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: true, BacksOffFromRefusals: false),
        new(TriggerKind.Window, ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: false, BacksOffFromRefusals: false),
        new(TriggerKind.Forecast, ByPerson: false, SnapshotsWaitOutCooldown: false, JoinedARun: false, BacksOffFromRefusals: true),
    ];

    public static readonly FrozenDictionary<TriggerKind, TriggerTraits> Traits = Rows.ToFrozenDictionary(t => t.Kind);

    public static TriggerTraits Of(this TriggerKind kind) => Traits[kind];

    public static string ToName(this TriggerKind kind) => kind.Of().Name;
}
