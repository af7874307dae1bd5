namespace EtcdRemediator.DefragRules;

/// <summary>
/// CEL's doubles are IEEE 754: a division by <c>0.0</c> is an infinity or NaN (the Cel package made it NaN, and so does
/// <see cref="RuleEvaluator"/>), not an error, and a comparison with either answers as if it meant something, so a rule
/// would match or not match without a word. Each double a rule compares or converts with <c>int()</c>
/// (<see cref="RuleChecker"/> finds them) therefore fails the evaluation when it is not finite: the member is "could not
/// judge", named with the part, as after an int division by zero. Only what is evaluated counts: CEL's <c>&amp;&amp;</c>
/// and <c>||</c> drop an error on a side the other side decides, so <c>dbSize &gt; 0 &amp;&amp; double(dbSizeFree) /
/// double(dbSize) &gt; 0.5</c> is plainly false for an empty member.
/// </summary>
internal static class FiniteGuard
{
    public static string Describe(double value) => double.IsNaN(value)
        ? "NaN (a division by 0.0, or an infinity less another)"
        : $"{(value > 0 ? "+" : "-")}Inf (a division by 0.0, or a value beyond the largest double)";
}

/// <summary>A double the rule compares is not finite; <see cref="Part"/> indexes RuleChecker's list of compared parts.</summary>
internal sealed class NotFiniteException(int part, double value) : RuleEvaluationException($"part {part} is {FiniteGuard.Describe(value)}")
{
    public int Part { get; } = part;
    public double Value { get; } = value;
}
