using EtcdRemediator.Observability;

namespace EtcdRemediator.Tests.Observability;

public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("m1\u001b]0;pwned\u0007", @"m1\u001b]0;pwned\u0007")]
    [InlineData("line\r\n2026-01-01 crit: forged", @"line\u000d\u000a2026-01-01 crit: forged")]
    [InlineData("del\u007f c1\u009b31m nul\u0000", @"del\u007f c1\u009b31m nul\u0000")]
    [InlineData("evil\u202etxt.exe and\u2028this", @"evil\u202etxt.exe and\u2028this")]
    public void EveryControlCharacterIsWrittenAsAnEscape(string text, string escaped)
    {
        Assert.Equal(escaped, TerminalText.Escape(text));
        Assert.True(TerminalText.HasControl(text));
        Assert.False(TerminalText.HasControl(escaped));
    }

    [Theory]
    [InlineData("etcd-0.kube-system")]
    [InlineData("Grüße, 数据库, 🙂, tab-free")]
    [InlineData("")]
    public void TextWithoutControlCharactersIsLeftAsItIs(string text)
    {
        Assert.Same(text, TerminalText.Escape(text));
        Assert.False(TerminalText.HasControl(text));
    }
}
