using System.Globalization;
using System.Text.RegularExpressions;

namespace EtcdRemediator.Advisories;

/// <summary>
/// An etcd release number as a member reports it in its status ("3.5.13"; Talos passes etcd's own).
/// Pre-release suffixes ("3.6.0-rc.0") are read as the release they lead to: an advisory that covers
/// 3.6.0 covers its release candidates too.
/// </summary>
internal readonly partial record struct EtcdVersion(int Major, int Minor, int Patch) : IComparable<EtcdVersion>
{
    [GeneratedRegex(@"^v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})(?:[-+].*)?$")]
    private static partial Regex Form();

    public static bool TryParse(string? text, out EtcdVersion version)
    {
        version = default;
        if (text is null || Form().Match(text.Trim()) is not { Success: true } m) return false;
        version = new EtcdVersion(Number(m.Groups[1].Value), Number(m.Groups[2].Value), Number(m.Groups[3].Value));
        return true;
    }

    public static EtcdVersion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not an etcd version such as 3.5.13");

    /// <summary>"3.5": releases of one series get the same fixes.</summary>
    public string Series => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    public int CompareTo(EtcdVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public static bool operator <(EtcdVersion a, EtcdVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(EtcdVersion a, EtcdVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(EtcdVersion a, EtcdVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(EtcdVersion a, EtcdVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");

    private static int Number(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
}
