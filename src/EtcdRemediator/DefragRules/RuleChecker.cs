using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Cel.Internal;

namespace EtcdRemediator.DefragRules;

/// <summary>Where a rule is wrong: line and column count from 1, as an editor shows them.</summary>
internal sealed record RuleError(int Line, int Column, string Message)
{
    public override string ToString() => Line > 1 ? $"at line {Line}, column {Column}: {Message}" : $"at column {Column}: {Message}";
}

internal enum RuleType { Int, Double, Bool }

/// <summary>
/// Parses a rule with the Cel package's own CEL grammar and type-checks the tree, which the package does
/// not: it compiles <c>dbSize + "a"</c>, an unknown name or a non-bool rule without a word and fails (or
/// not, behind a short-circuit) only when a member is evaluated. Accepted: int, double and bool literals,
/// the five variables, <c>int()</c>/<c>double()</c>, arithmetic, comparisons, <c>! &amp;&amp; || ?:</c>
/// and parentheses, with CEL's typing (no mixed int/double arithmetic; comparisons across them are CEL's too).
/// </summary>
internal static class RuleChecker
{
    public static readonly IReadOnlyDictionary<string, RuleType> Variables = new Dictionary<string, RuleType>(StringComparer.Ordinal)
    {
        ["dbSize"] = RuleType.Int, ["dbSizeInUse"] = RuleType.Int, ["dbSizeFree"] = RuleType.Int,
        ["dbQuota"] = RuleType.Int, ["dbQuotaUsage"] = RuleType.Double,
    };

    /// <summary>The parse tree and the variables it names, or the first error.</summary>
    /// <param name="compared">Receives each double the rule compares or converts with int(): what <see cref="FiniteGuard"/> checks.</param>
    public static CelParser.StartContext Check(string text, ISet<string> used, ICollection<ParserRuleContext>? compared = null)
    {
        RuleBounds.CheckLength(text);
        var errors = new FirstError();
        var lexer = new CelLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        lexer.AddErrorListener(errors);
        var tokens = new CommonTokenStream(lexer);
        RuleBounds.CheckTokens(tokens);
        var parser = new CelParser(tokens);
        parser.RemoveErrorListeners();
        parser.AddErrorListener(errors);
        var tree = parser.start();
        if (errors.Error is { } syntax) throw new RuleException(syntax);
        RuleBounds.CheckTree(tree);
        var type = TypeOf(tree.GetChild(0), new Walk(used, compared ?? []));
        if (type != RuleType.Bool)
            throw Fail(tree, $"the rule is {Name(type)}, it must be bool (true: defragment the member), e.g. dbSizeFree > 100 * 1024 * 1024");
        return tree;
    }

    private static RuleType TypeOf(IParseTree node, Walk walk)
    {
        switch (node)
        {
            case CelParser.ExprContext { ChildCount: 5 } e:
                Expect(e.GetChild(0), RuleType.Bool, walk, "a condition before '?'");
                var (then, otherwise) = (TypeOf(e.GetChild(2), walk), TypeOf(e.GetChild(4), walk));
                return then == otherwise ? then
                    : throw Fail(e.GetChild(3), $"both sides of ':' must have one type, not {Name(then)} and {Name(otherwise)}");
            case CelParser.ConditionalOrContext or CelParser.ConditionalAndContext when node.ChildCount > 1:
                for (var i = 0; i < node.ChildCount; i += 2)
                    Expect(node.GetChild(i), RuleType.Bool, walk, $"each side of '{node.GetChild(1).GetText()}'");
                return RuleType.Bool;
            case CelParser.RelationContext { ChildCount: 3 } r:
                return Relation(r, Operand(r.GetChild(0), walk), Operand(r.GetChild(2), walk));
            case CelParser.CalcContext { ChildCount: 3 } c:
                return Arithmetic(c, TypeOf(c.GetChild(0), walk), TypeOf(c.GetChild(2), walk));
            case CelParser.LogicalNotContext n:
                Expect(n.GetChild(n.ChildCount - 1), RuleType.Bool, walk, "the operand of '!'");
                return RuleType.Bool;
            case CelParser.NegateContext n:
                return TypeOf(n.GetChild(n.ChildCount - 1), walk) is var t && t != RuleType.Bool ? t : throw Fail(n, "'-' needs a number");
            case CelParser.NestedContext n:
                return TypeOf(n.GetChild(1), walk);
            case CelParser.IdentOrGlobalCallContext i:
                return Identifier(i, walk);
            case CelParser.IntContext:
                return RuleType.Int;
            case CelParser.DoubleContext:
                return RuleType.Double;
            case CelParser.BoolTrueContext or CelParser.BoolFalseContext:
                return RuleType.Bool;
            case CelParser.StringContext or CelParser.BytesContext or CelParser.UintContext or CelParser.NullContext:
                throw Fail(node, $"{node.GetText()} is not a number or a bool; a rule has only int, double and bool values");
            case IRuleNode { ChildCount: 1 } passThrough when passThrough is not CelParser.MemberCallContext:
                return TypeOf(passThrough.GetChild(0), walk);
            default:
                throw Fail(node, $"'{node.GetText()}' is not part of a defrag rule; use the variables {string.Join(", ", Variables.Keys)}, " +
                    "numbers, int(), double(), arithmetic, comparisons, !, &&, ||, ?: and parentheses");
        }
    }

    private static RuleType Identifier(CelParser.IdentOrGlobalCallContext node, Walk walk)
    {
        var name = node.id.Text;
        if (node.op is null)
        {
            if (node.leadingDot is null && Variables.TryGetValue(name, out var type))
            {
                walk.Used.Add(name);
                return type;
            }
            throw Fail(node, $"unknown variable '{node.GetText()}'; a rule knows {string.Join(", ", Variables.Keys)}");
        }
        if (name is not ("int" or "double") || node.leadingDot is not null)
            throw Fail(node, $"unknown function '{name}'; a rule may call int() and double()");
        var args = node.args?._e ?? [];
        if (args.Count != 1) throw Fail(node, $"{name}() takes one number");
        if (name == "double")
        {
            Expect(args[0], null, walk, $"the argument of {name}()");
            return RuleType.Double;
        }
        if (Operand(args[0], walk) == RuleType.Bool) throw Fail(args[0], "the argument of int() must be a number, not bool");
        return RuleType.Int;
    }

    /// <summary>A value compared or converted: a double one is noted, for the check that it is finite.</summary>
    private static RuleType Operand(IParseTree node, Walk walk)
    {
        var type = TypeOf(node, walk);
        if (type == RuleType.Double && node is ParserRuleContext part) walk.Compared.Add(part);
        return type;
    }

    private static RuleType Relation(CelParser.RelationContext node, RuleType left, RuleType right)
    {
        var op = node.GetChild(1).GetText();
        var numbers = left != RuleType.Bool && right != RuleType.Bool;
        var ok = op switch
        {
            "<" or "<=" or ">" or ">=" => numbers,
            "==" or "!=" => numbers || (left == RuleType.Bool && right == RuleType.Bool),
            _ => false,
        };
        return ok ? RuleType.Bool : throw Fail(node.GetChild(1), $"no operator '{op}' for {Name(left)} and {Name(right)}");
    }

    private static RuleType Arithmetic(CelParser.CalcContext node, RuleType left, RuleType right)
    {
        var op = node.GetChild(1).GetText();
        if (left == right && left != RuleType.Bool && !(op == "%" && left == RuleType.Double)) return left;
        var hint = left != right && left != RuleType.Bool && right != RuleType.Bool
            ? "; CEL does not mix int and double in arithmetic: write double(x) or a double literal such as 100.0" : "";
        throw Fail(node.GetChild(1), $"no operator '{op}' for {Name(left)} and {Name(right)}{hint}");
    }

    /// <param name="type">The type wanted; null: any number.</param>
    private static void Expect(IParseTree node, RuleType? type, Walk walk, string what)
    {
        var actual = TypeOf(node, walk);
        if (type is { } wanted ? actual != wanted : actual == RuleType.Bool)
            throw Fail(node, $"{what} must be {(type is { } w ? Name(w) : "a number")}, not {Name(actual)}");
    }

    private static string Name(RuleType type) => type.ToString().ToLowerInvariant();

    private static RuleException Fail(IParseTree node, string message)
    {
        var token = node switch
        {
            ParserRuleContext rule => rule.Start,
            ITerminalNode terminal => terminal.Symbol,
            _ => null,
        };
        return new RuleException(new RuleError(token?.Line ?? 1, (token?.Column ?? 0) + 1, message));
    }

    private sealed record Walk(ISet<string> Used, ICollection<ParserRuleContext> Compared);

    /// <summary>ANTLR recovers and goes on; the first error is the one worth reading.</summary>
    private sealed class FirstError : IAntlrErrorListener<int>, IAntlrErrorListener<IToken>
    {
        public RuleError? Error { get; private set; }

        public void SyntaxError(TextWriter output, IRecognizer recognizer, int offendingSymbol, int line, int charPositionInLine,
            string msg, RecognitionException e) => Error ??= new RuleError(line, charPositionInLine + 1, msg);

        public void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine,
            string msg, RecognitionException e) => Error ??= new RuleError(line, charPositionInLine + 1, msg);
    }
}

internal sealed class RuleException(RuleError error) : Exception(error.ToString())
{
    public RuleError Error { get; } = error;
}
