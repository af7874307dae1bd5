using System.Globalization;
using System.Text;
using Antlr4.Runtime;
using Cel;

namespace EtcdRemediator.DefragRules;

/// <summary>
/// CEL's doubles are IEEE 754: a division by <c>0.0</c> is an infinity or NaN (this Cel package makes it NaN), not
/// an error, and a comparison with either answers as if it meant something, so a rule would match or not match
/// without a word. Each double
/// a rule compares or converts with <c>int()</c> (<see cref="RuleChecker"/> finds them) is therefore wrapped in
/// a call that fails the evaluation when it is not finite: the member is "could not judge", named with the part,
/// as after an int division by zero. Only what is evaluated counts: CEL's <c>&amp;&amp;</c> and <c>||</c> drop
/// an error on a side the other side decides, so <c>dbSize &gt; 0 &amp;&amp; double(dbSizeFree) / double(dbSize)
/// &gt; 0.5</c> is plainly false for an empty member.
/// </summary>
internal static class FiniteGuard
{
    /// <summary>Not a name a rule may use: the checker refuses every function but int() and double().</summary>
    private const string Function = "__finite";

    public static CelEnvironment Register(CelEnvironment environment)
    {
        environment.RegisterFunction(Function, [typeof(double), typeof(long)],
            args => args is [double value, long part] && !double.IsFinite(value) ? throw new NotFiniteException((int)part, value) : args[0]);
        return environment;
    }

    /// <summary>The rule's text with each part wrapped as <c>__finite(part, i)</c>, i its index in <paramref name="parts"/>.</summary>
    public static string Wrap(string text, IReadOnlyList<ParserRuleContext> parts)
    {
        var spans = parts.Select((p, i) => (Start: p.Start.StartIndex, End: p.Stop.StopIndex + 1, Index: i)).ToList();
        var wrapped = new StringBuilder(text.Length + 16 * spans.Count);
        for (var at = 0; at <= text.Length; at++)
        {
            // Parts nest but never overlap: close the inner ones first, then open the outer ones first.
            foreach (var span in spans.Where(s => s.End == at).OrderByDescending(s => s.Start))
                wrapped.Append(", ").Append(span.Index.ToString(CultureInfo.InvariantCulture)).Append(')');
            foreach (var span in spans.Where(s => s.Start == at).OrderByDescending(s => s.End)) wrapped.Append(Function).Append('(');
            if (at < text.Length) wrapped.Append(text[at]);
        }
        return wrapped.ToString();
    }

    public static string Describe(double value) => double.IsNaN(value)
        ? "NaN (a division by 0.0, or an infinity less another)"
        : $"{(value > 0 ? "+" : "-")}Inf (a division by 0.0, or a value beyond the largest double)";
}

/// <summary>A double the rule compares is not finite; <see cref="Part"/> indexes the parts <see cref="FiniteGuard.Wrap"/> wrapped.</summary>
internal sealed class NotFiniteException(int part, double value) : CelException($"part {part} is {FiniteGuard.Describe(value)}")
{
    public int Part { get; } = part;
    public double Value { get; } = value;
}
