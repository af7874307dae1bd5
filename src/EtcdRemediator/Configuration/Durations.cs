using System.Globalization;
using System.Text.RegularExpressions;

namespace EtcdRemediator.Configuration;

/// <summary>
/// Durations and sizes as operators write them. Durations: <c>30m</c>, <c>10s</c>, <c>1h30m</c>,
/// <c>500ms</c>, <c>2d</c>, or TimeSpan's <c>00:10:00</c>; a bare number is refused (seconds? days?).
/// Sizes: plain bytes, <c>8Gi</c>/<c>200MiB</c> (powers of 1024), <c>2G</c>/<c>500MB</c> (powers of 1000).
/// </summary>
internal static partial class Durations
{
    public const string DurationForms = "write a duration such as 10s, 30m, 1h30m or 00:10:00";
    public const string SizeForms = "write a size in bytes, or such as 200MiB, 8Gi or 2GB";

    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+$", RegexOptions.IgnoreCase)]
    private static partial Regex UnitDuration();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d)", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(b|k|kb|ki|kib|m|mb|mi|mib|g|gb|gi|gib|t|tb|ti|tib)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Size();

    /// <summary>The longest duration any setting or parameter takes: a year (more is a typo, and
    /// near TimeSpan's limit a clock plus a duration overflows).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(366);

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        try
        {
            return TryParseUnchecked(text, out value);
        }
        catch (OverflowException)
        {
            value = default;
            return false;
        }
    }

    private static bool TryParseUnchecked(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (UnitDuration().IsMatch(text))
        {
            foreach (Match part in DurationPart().Matches(text))
            {
                var n = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
                value += part.Groups[2].Value.ToLowerInvariant() switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "s" => TimeSpan.FromSeconds(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "h" => TimeSpan.FromHours(n),
                    _ => TimeSpan.FromDays(n),
                };
            }
            return true;
        }
        // TimeSpan's own form, but only with a colon: "10" would be read as ten days.
        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var match = Size().Match(text.Trim());
        if (!match.Success) return false;
        var n = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups[2].Value.ToLowerInvariant();
        double factor = unit switch
        {
            "" or "b" => 1,
            "k" or "kb" => 1e3, "ki" or "kib" => 1L << 10,
            "m" or "mb" => 1e6, "mi" or "mib" => 1L << 20,
            "g" or "gb" => 1e9, "gi" or "gib" => 1L << 30,
            "t" or "tb" => 1e12, _ => 1L << 40,
        };
        var value = n * factor;
        if (value > long.MaxValue || (unit is "" or "b" && n != Math.Floor(n))) return false;
        bytes = (long)value;
        return true;
    }
}
