using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Cel.Internal;

namespace EtcdRemediator.DefragRules;

/// <summary>
/// How long and how deep a rule may be. The parser, the type check and the Cel package each recurse once per level of
/// nesting, and a rule nested 30,000 deep overflowed the stack, which no catch stops: the process died where the
/// start-up check should have said "exit 2, this key". Checked on the tokens before the parse (brackets and <c>?:</c>
/// are what the parser recurses on) and on the tree after it (<c>a + b + c</c> nests one level per operator, bracketless).
/// </summary>
internal static class RuleBounds
{
    public const int MaxLength = 4096;
    public const int MaxDepth = 64;

    private const string TooDeep = "the rule nests deeper than 64 levels (brackets, conditions and operators within one another); write it flatter";

    public static void CheckLength(string text)
    {
        if (text.Length > MaxLength)
            throw new RuleException(new RuleError(1, MaxLength + 1, $"the rule is {text.Length} characters long; at most {MaxLength}"));
    }

    /// <summary>Before the parse: each bracket opens a level, and each <c>?</c> one more until its bracket closes.</summary>
    public static void CheckTokens(CommonTokenStream tokens)
    {
        tokens.Fill();
        var conditionsOfOuterLevels = new Stack<int>();
        var (depth, conditions) = (0, 0);
        foreach (var token in tokens.GetTokens())
        {
            switch (token.Type)
            {
                case CelLexer.LPAREN or CelLexer.LBRACKET or CelLexer.LBRACE:
                    conditionsOfOuterLevels.Push(conditions);
                    (depth, conditions) = (depth + 1, 0);
                    break;
                case CelLexer.RPAREN or CelLexer.RPRACKET or CelLexer.RBRACE when conditionsOfOuterLevels.Count > 0:
                    depth -= 1 + conditions;
                    conditions = conditionsOfOuterLevels.Pop();
                    break;
                case CelLexer.QUESTIONMARK:
                    (depth, conditions) = (depth + 1, conditions + 1);
                    break;
            }
            if (depth > MaxDepth) throw new RuleException(new RuleError(token.Line, token.Column + 1, TooDeep));
        }
    }

    /// <summary>After the parse, without recursion: a node of two children or more (an operator, a bracket, a call) is a level.</summary>
    public static void CheckTree(IParseTree start)
    {
        var pending = new Stack<(IParseTree Node, int Depth)>();
        for (var i = 0; i < start.ChildCount; i++) pending.Push((start.GetChild(i), 0));
        while (pending.TryPop(out var item))
        {
            var depth = item.Depth + (item.Node.ChildCount > 1 ? 1 : 0);
            if (depth > MaxDepth)
            {
                var at = (item.Node as ParserRuleContext)?.Start;
                throw new RuleException(new RuleError(at?.Line ?? 1, (at?.Column ?? 0) + 1, TooDeep));
            }
            for (var i = 0; i < item.Node.ChildCount; i++) pending.Push((item.Node.GetChild(i), depth));
        }
    }
}
