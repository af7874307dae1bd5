using System.Text.RegularExpressions;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>
/// Refused runs in a row for one reason. A refusal is the safe outcome (a member down, a CORRUPT alarm), so it
/// sets no cooldown and does not count for the breaker; but a watch that asks every interval would record a new
/// refused run each time and push the real history out of the store. Automatic triggers back off from it:
/// the cooldown's length (at least <see cref="MinBackoff"/>), doubling with each refusal, at most <see cref="MaxBackoff"/>.
/// </summary>
/// <param name="Reason">The last refusal's reason, as the run recorded it.</param>
/// <param name="Key">The reason with its figures masked: one reason whose numbers change (sizes, times) is still one reason.</param>
internal sealed partial record RefusalStreak(string Reason, string Key, int Count, DateTimeOffset At)
{
    public static readonly TimeSpan MinBackoff = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    /// <summary>The streak after one more refusal: longer when the reason is the same, a new one of 1 otherwise.</summary>
    public static RefusalStreak After(RefusalStreak? streak, string reason, DateTimeOffset at)
    {
        var key = Figures().Replace(reason, "#");
        return new RefusalStreak(reason, key, streak?.Key == key ? streak.Count + 1 : 1, at);
    }

    /// <summary>Until when automatic triggers wait after this streak, or null once that has passed.</summary>
    public DateTimeOffset? BackoffUntil(TimeSpan cooldown, DateTimeOffset now)
    {
        var first = cooldown > MinBackoff ? cooldown : MinBackoff;
        var doublings = Math.Min(Count - 1, 16); // 2^16 minutes is far past the cap already
        var period = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, first.Ticks * (1L << doublings)));
        return ClockBound.Until(At, period, now) is { } until && until > now ? until : null;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Figures();
}
