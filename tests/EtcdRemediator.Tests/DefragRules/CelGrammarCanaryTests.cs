using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Cel.Internal;

namespace EtcdRemediator.Tests.DefragRules;

/// <summary>
/// RuleChecker walks the parse tree of the Cel package's own ANTLR grammar (<c>Cel.Internal</c>: not its public API).
/// A package update that renames a rule context or changes a rule's shape would make the checker wrongly accept or
/// refuse rules without a compile error. These pin exactly what it relies on: which context each construct parses to,
/// and how many children it has. When one fails after an update of Cel, RuleChecker must be read again.
/// </summary>
public sealed class CelGrammarCanaryTests
{
    private static CelParser.StartContext Expr(string text)
    {
        var parser = new CelParser(new CommonTokenStream(new CelLexer(new AntlrInputStream(text))));
        var start = parser.start();
        Assert.Equal(0, parser.NumberOfSyntaxErrors);
        return start;
    }

    /// <summary>The first node under the start rule with more than one child, or the innermost node.</summary>
    private static IParseTree Shape(string text)
    {
        var node = Expr(text).GetChild(0);
        while (node.ChildCount == 1 && node is not CelParser.NestedContext and not CelParser.IdentOrGlobalCallContext
               and not CelParser.LogicalNotContext and not CelParser.NegateContext)
            node = node.GetChild(0);
        return node;
    }

    [Theory]
    [InlineData("a ? b : c", typeof(CelParser.ExprContext), 5)]
    [InlineData("a || b", typeof(CelParser.ConditionalOrContext), 3)]
    [InlineData("a && b", typeof(CelParser.ConditionalAndContext), 3)]
    [InlineData("a > b", typeof(CelParser.RelationContext), 3)]
    [InlineData("a / b", typeof(CelParser.CalcContext), 3)]
    [InlineData("a - b", typeof(CelParser.CalcContext), 3)]
    [InlineData("(a)", typeof(CelParser.NestedContext), 3)]
    [InlineData("!a", typeof(CelParser.LogicalNotContext), 2)]
    [InlineData("-a", typeof(CelParser.NegateContext), 2)]
    [InlineData("dbSize", typeof(CelParser.IdentOrGlobalCallContext), 1)]
    [InlineData("double(dbSize)", typeof(CelParser.IdentOrGlobalCallContext), 4)]
    public void EachConstructParsesToTheContextRuleCheckerMatches(string text, Type context, int children)
    {
        var node = Shape(text);
        Assert.IsType(context, node);
        Assert.Equal(children, node.ChildCount);
    }

    [Theory]
    [InlineData("1", typeof(CelParser.IntContext))]
    [InlineData("1.5", typeof(CelParser.DoubleContext))]
    [InlineData("true", typeof(CelParser.BoolTrueContext))]
    [InlineData("false", typeof(CelParser.BoolFalseContext))]
    [InlineData("'x'", typeof(CelParser.StringContext))]
    [InlineData("1u", typeof(CelParser.UintContext))]
    [InlineData("null", typeof(CelParser.NullContext))]
    public void LiteralsParseToTheirOwnContexts(string text, Type context)
    {
        IParseTree node = Expr(text);
        while (node.ChildCount > 0 && !context.IsInstanceOfType(node)) node = node.GetChild(0);
        Assert.IsType(context, node);
    }

    [Fact]
    public void AMethodCallIsAMemberCallContextWhichRuleCheckerRefuses()
    {
        var node = Expr("a.size()").GetChild(0); // the start rule is the expression and EOF
        while (node.ChildCount == 1) node = node.GetChild(0);
        Assert.IsType<CelParser.MemberCallContext>(node);
    }
}
