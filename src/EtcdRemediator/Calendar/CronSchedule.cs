using Cronos;

namespace EtcdRemediator.Calendar;

/// <summary>
/// A cron expression in a time zone: five fields (minute first), six with seconds first, or a macro
/// such as <c>@weekly</c>. Occurrences follow the zone's wall clock: across a daylight-saving change a
/// skipped local time runs at the first valid instant after it, a repeated one runs once (Cronos' rules).
/// </summary>
internal sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(string text, CronExpression expression, TimeZoneInfo zone)
    {
        Text = text;
        _expression = expression;
        Zone = zone;
    }

    public string Text { get; }
    public TimeZoneInfo Zone { get; }

    /// <summary>Parses <paramref name="cron"/> in <paramref name="timeZone"/> (an IANA name such as Europe/Berlin; UTC when empty).</summary>
    public static bool TryParse(string? cron, string? timeZone, out CronSchedule schedule, out string problem)
    {
        schedule = null!;
        problem = "";
        if (string.IsNullOrWhiteSpace(cron))
        {
            problem = "is empty; write a cron expression such as '0 3 * * 0' (Sundays at 03:00)";
            return false;
        }
        var text = cron.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (!text.StartsWith('@') && fields is not (5 or 6))
        {
            problem = $"'{text}' has {fields} fields; write 5 (minute hour day month weekday) or 6 (with seconds first)";
            return false;
        }
        if (!CronExpression.TryParse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard, out var expression))
        {
            problem = $"'{text}' is not a cron expression (minute hour day-of-month month day-of-week, such as '0 3 * * 0')";
            return false;
        }
        if (!TryFindZone(timeZone, out var zone))
        {
            problem = $"time zone '{timeZone}' is not known to this system (use an IANA name such as UTC or Europe/Berlin)";
            return false;
        }
        schedule = new CronSchedule(text, expression, zone);
        return true;
    }

    public static CronSchedule Parse(string cron, string? timeZone = null) =>
        TryParse(cron, timeZone, out var schedule, out var problem) ? schedule : throw new FormatException(problem);

    public static bool TryFindZone(string? name, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Equals("UTC", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name.Trim());
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="from"/> (or at it, when <paramref name="inclusive"/>).</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset from, bool inclusive = false) =>
        _expression.GetNextOccurrence(from, Zone, inclusive);

    /// <summary>Occurrences in [from, to].</summary>
    public IEnumerable<DateTimeOffset> Between(DateTimeOffset from, DateTimeOffset to) =>
        _expression.GetOccurrences(from, to, Zone, fromInclusive: true, toInclusive: true);

    public override string ToString() => Zone == TimeZoneInfo.Utc ? Text : $"{Text} ({Zone.Id})";
}
