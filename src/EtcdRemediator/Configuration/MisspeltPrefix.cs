namespace EtcdRemediator.Configuration;

/// <summary>
/// Environment variables the configuration never reads because their first segment is a misspelt
/// <c>Remediator</c> (<c>Remediater__Policy__Cooldown</c>): they belong to no section, so the key check
/// cannot see them, and the setting would be silently left at its default. Said at start-up instead.
/// </summary>
internal static class MisspeltPrefix
{
    private const string Separator = "__";

    /// <summary>One warning per such variable, naming it and the name it was probably meant to have.</summary>
    public static IEnumerable<string> Warnings(IEnumerable<string> variableNames)
    {
        foreach (var name in variableNames.Order(StringComparer.Ordinal))
        {
            var end = name.IndexOf(Separator, StringComparison.Ordinal);
            if (end <= 0) continue;
            var prefix = name[..end];
            if (prefix.Equals(RemediatorOptions.Section, StringComparison.OrdinalIgnoreCase)
                || Spelling.Nearest([RemediatorOptions.Section], prefix, maxDistance: 2) is null)
                continue;
            yield return $"environment variable {name} is not read: '{prefix}' is not '{RemediatorOptions.Section}'; " +
                $"did you mean {RemediatorOptions.Section}{name[end..]}?";
        }
    }
}
