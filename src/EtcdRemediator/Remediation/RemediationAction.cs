using System.Collections.Frozen;
using System.Text.Json.Serialization;

namespace EtcdRemediator.Remediation;

/// <summary>What a run does. What each one implies is in <see cref="ActionTraits"/>, not in its position here.</summary>
[JsonConverter(typeof(WireNameConverter<RemediationAction>))]
internal enum RemediationAction { Snapshot, Disarm, Defrag, Recover }

/// <summary>When an action takes a snapshot.</summary>
internal enum SnapshotWhen
{
    Never,
    /// <summary>Before the first member is rewritten, and only when one will be.</summary>
    BeforeRewriting,
    Always,
}

/// <summary>When an unforced run of an action waits for the cluster's maintenance window.</summary>
internal enum WindowRule
{
    Never,
    Always,
    /// <summary>Waits unless etcd has NOSPACE raised (then the cluster refuses writes: it cannot wait).</summary>
    UnlessNoSpace,
}

/// <summary>
/// Everything the rules and the executor know of an action, in one row per action: adding an action
/// is one enum value and one row here (a test loops over every value, so none can miss a row).
/// </summary>
/// <param name="Strength">When triggers join one run the strongest wins, and the queue serves it first.</param>
/// <param name="Rewrites">Defragments members: planned member by member, held back by the cooldown after another rewrite, starts it.</param>
/// <param name="Recovers">The NOSPACE routine: every voting member while NOSPACE is raised, compaction under Compact=OnNoSpace,
/// the quota read for the disarm.</param>
/// <param name="CountsAsSnapshot">A success counts as a snapshot taken: alert snapshots wait out the cooldown after it.</param>
/// <param name="Verifies">Ends by reading the cluster again and disarming a NOSPACE alarm the data no longer justifies.</param>
internal sealed record ActionTraits(RemediationAction Action, int Strength, bool Rewrites, SnapshotWhen Snapshot, bool Recovers,
    WindowRule Window, bool CountsAsSnapshot, bool Verifies)
{
    public string Name { get; } = WireName.Of(Action);
}

internal static class RemediationActions
{
    /// <summary>One row per action, in the order people are told them (the most used first).</summary>
    private static readonly ActionTraits[] Rows =
    [
        new(RemediationAction.Defrag, 2, Rewrites: true, SnapshotWhen.BeforeRewriting, Recovers: false, WindowRule.Always,
            CountsAsSnapshot: true, Verifies: true),
        new(RemediationAction.Recover, 3, Rewrites: true, SnapshotWhen.BeforeRewriting, Recovers: true, WindowRule.UnlessNoSpace,
            CountsAsSnapshot: true, Verifies: true),
        new(RemediationAction.Snapshot, 0, Rewrites: false, SnapshotWhen.Always, Recovers: false, WindowRule.Never,
            CountsAsSnapshot: true, Verifies: false),
        new(RemediationAction.Disarm, 1, Rewrites: false, SnapshotWhen.Never, Recovers: false, WindowRule.Never,
            CountsAsSnapshot: false, Verifies: true),
    ];

    public static readonly FrozenDictionary<RemediationAction, ActionTraits> Traits = Rows.ToFrozenDictionary(t => t.Action);

    /// <summary>The names a request or a route may use.</summary>
    public static readonly IReadOnlyList<string> Names = [.. Rows.Select(t => t.Name)];

    public static ActionTraits Of(this RemediationAction action) => Traits[action];

    public static bool IsStrongerThan(this RemediationAction action, RemediationAction other) => action.Of().Strength > other.Of().Strength;

    public static RemediationAction Strongest(this IEnumerable<RemediationAction> actions) => actions.MaxBy(a => a.Of().Strength);

    public static bool TryParse(string? text, out RemediationAction action)
    {
        var found = Rows.FirstOrDefault(t => t.Name.Equals(text?.Trim(), StringComparison.OrdinalIgnoreCase));
        action = found?.Action ?? default;
        return found is not null;
    }

    public static string ToName(this RemediationAction action) => action.Of().Name;
}
