namespace EtcdRemediator.Remediation;

/// <summary>What a run does. The order is strength: when triggers join one run, the strongest wins.</summary>
public enum RemediationAction
{
    Snapshot = 0,
    Disarm = 1,
    Defrag = 2,
    Recover = 3,
}

public static class RemediationActions
{
    public static readonly IReadOnlyList<string> Names = ["defrag", "recover", "snapshot", "disarm"];

    public static bool TryParse(string? text, out RemediationAction action)
    {
        action = default;
        return text is not null
            && Names.Contains(text.Trim().ToLowerInvariant())
            && Enum.TryParse(text.Trim(), ignoreCase: true, out action);
    }

    public static string ToName(this RemediationAction action) => action.ToString().ToLowerInvariant();
}
