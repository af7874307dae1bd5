using System.Globalization;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Cel.Internal;

namespace EtcdRemediator.DefragRules;

/// <summary>One member's evaluation of a rule: the variables by name (long, or double for <c>dbQuotaUsage</c>) to true or false.</summary>
internal delegate bool RuleProgram(IReadOnlyDictionary<string, object> variables);

/// <summary>
/// Evaluates a rule <see cref="RuleChecker"/> has accepted, on its parse tree, with CEL's semantics for that subset: int
/// arithmetic is checked (an overflow, a division or modulus by zero is an error), doubles are IEEE 754 but for a division
/// by <c>0.0</c>, which is NaN as the Cel package made it; an int and a double compare by value; <c>&amp;&amp;</c> and
/// <c>||</c> drop an error on a side the other side decides; <c>?:</c> evaluates one branch. Ours rather than the Cel
/// package's compiler, which reads member selections by reflection (<c>Type.GetProperty</c>): the native build cannot keep
/// that safe, and a rule has no member selection to need it. The Cel package's grammar (lexer, parser) stays.
/// </summary>
internal static class RuleEvaluator
{
    /// <param name="compared">The doubles the rule compares or converts (RuleChecker's list): each fails the evaluation
    /// with a <see cref="NotFiniteException"/> naming its index when it is not finite.</param>
    public static RuleProgram Compile(CelParser.StartContext tree, IReadOnlyList<ParserRuleContext> compared)
    {
        var parts = compared.Select((c, i) => (c, i)).ToDictionary(p => (IParseTree)p.c, p => p.i);
        var root = Compile(tree.GetChild(0), parts);
        return variables => (bool)root(variables);
    }

    private delegate object Node(IReadOnlyDictionary<string, object> variables);

    private static Node Compile(IParseTree node, Dictionary<IParseTree, int> parts)
    {
        var compiled = CompileBare(node, parts);
        if (!parts.TryGetValue(node, out var part)) return compiled;
        return variables => compiled(variables) is var value && value is double d && !double.IsFinite(d)
            ? throw new NotFiniteException(part, d)
            : value;
    }

    private static Node CompileBare(IParseTree node, Dictionary<IParseTree, int> parts)
    {
        switch (node)
        {
            case CelParser.ExprContext { ChildCount: 5 } e:
                var (condition, then, otherwise) = (Compile(e.GetChild(0), parts), Compile(e.GetChild(2), parts), Compile(e.GetChild(4), parts));
                return v => (bool)condition(v) ? then(v) : otherwise(v);
            case CelParser.ConditionalOrContext or CelParser.ConditionalAndContext when node.ChildCount > 1:
                return Logical([.. Enumerable.Range(0, (node.ChildCount + 1) / 2).Select(i => Compile(node.GetChild(2 * i), parts))],
                    decisive: node is CelParser.ConditionalOrContext);
            case CelParser.RelationContext { ChildCount: 3 } r:
                return Relation(r.GetChild(1).GetText(), Compile(r.GetChild(0), parts), Compile(r.GetChild(2), parts));
            case CelParser.CalcContext { ChildCount: 3 } c:
                return Arithmetic(c.GetChild(1).GetText(), Compile(c.GetChild(0), parts), Compile(c.GetChild(2), parts));
            case CelParser.LogicalNotContext n:
                var operand = Compile(n.GetChild(n.ChildCount - 1), parts);
                var odd = (n.ChildCount - 1) % 2 == 1; // '!' tokens before the operand
                return v => (bool)operand(v) ^ odd;
            case CelParser.NegateContext n:
                var negated = Compile(n.GetChild(n.ChildCount - 1), parts);
                var negate = (n.ChildCount - 1) % 2 == 1;
                return !negate ? negated : v => negated(v) switch
                {
                    long l => (object)checked(-l),
                    double d => -d,
                    var other => other,
                };
            case CelParser.NestedContext n:
                return Compile(n.GetChild(1), parts);
            case CelParser.IdentOrGlobalCallContext i:
                return Identifier(i, parts);
            case CelParser.IntContext:
                var integer = Int(node.GetText());
                return _ => integer;
            case CelParser.DoubleContext:
                var real = double.Parse(node.GetText(), NumberStyles.Float, CultureInfo.InvariantCulture);
                return _ => real;
            case CelParser.BoolTrueContext:
                return _ => true;
            case CelParser.BoolFalseContext:
                return _ => false;
            case IRuleNode { ChildCount: 1 } passThrough:
                return Compile(passThrough.GetChild(0), parts);
            default:
                throw new InvalidOperationException($"'{node.GetText()}' passed the rule check but has no evaluation");
        }
    }

    /// <summary>An int literal as CEL writes it: decimal or 0x hex, with its sign.</summary>
    private static long Int(string text)
    {
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        var value = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            : long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }

    private static Node Identifier(CelParser.IdentOrGlobalCallContext node, Dictionary<IParseTree, int> parts)
    {
        var name = node.id.Text;
        if (node.op is null) return v => v.TryGetValue(name, out var value) ? value : throw new RuleEvaluationException($"no value for '{name}'");
        var argument = Compile(node.args._e[0], parts);
        if (name == "double") return v => argument(v) is long l ? (double)l : argument(v);
        return v => argument(v) switch
        {
            double d when d is >= -9.2233720368547758E18 and < 9.2233720368547758E18 => (long)Math.Truncate(d),
            double d => throw new RuleEvaluationException($"int({d.ToString(CultureInfo.InvariantCulture)}) is out of the int range"),
            var other => other,
        };
    }

    /// <summary>CEL's commutative &amp;&amp; (decisive false) and || (decisive true): an error counts only when no side decides.</summary>
    private static Node Logical(Node[] operands, bool decisive) => v =>
    {
        Exception? error = null;
        foreach (var operand in operands)
        {
            try
            {
                if ((bool)operand(v) == decisive) return decisive;
            }
            catch (Exception e) when (e is RuleEvaluationException or OverflowException)
            {
                error ??= e;
            }
        }
        return error is null ? !decisive : throw error;
    };

    private static Node Relation(string op, Node left, Node right) => v =>
    {
        var (a, b) = (left(v), right(v));
        if (a is bool x && b is bool y) return op == "==" ? x == y : x != y;
        var order = a is long l && b is long r ? l.CompareTo(r) : Number(a).CompareTo(Number(b));
        return op switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            ">=" => order >= 0,
            "==" => order == 0,
            _ => order != 0,
        };
    };

    private static double Number(object value) => value is long l ? l : (double)value;

    /// <summary>Each arm boxed on its own: a switch of long and double arms would make every result a double.</summary>
    private static Node Arithmetic(string op, Node left, Node right) => v => (left(v), right(v)) switch
    {
        (long a, long b) => (object)(op switch
        {
            "+" => checked(a + b),
            "-" => checked(a - b),
            "*" => checked(a * b),
            "/" => b == 0 ? throw new RuleEvaluationException("division by zero") : checked(a / b),
            _ => b == 0 ? throw new RuleEvaluationException("modulus by zero") : b == -1 ? 0L : a % b, // long.MinValue % -1 throws in .NET
        }),
        (double a, double b) => op switch
        {
            "+" => a + b,
            "-" => a - b,
            "*" => a * b,
            _ => b == 0 ? double.NaN : a / b, // the Cel package's answer to a division by 0.0, whatever the dividend
        },
        var (a, b) => throw new RuleEvaluationException($"no operator '{op}' for {a} and {b}"),
    };
}

/// <summary>An evaluation that could not give an answer for this member: a division by zero, a conversion out of range.</summary>
internal class RuleEvaluationException(string message) : Exception(message);
