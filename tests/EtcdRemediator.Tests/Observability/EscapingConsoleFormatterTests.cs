using EtcdRemediator.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace EtcdRemediator.Tests.Observability;

public sealed class EscapingConsoleFormatterTests
{
    [Fact]
    public void AMessageItsScopeAndItsExceptionReachTheConsoleWithEveryControlCharacterEscapedAndOneLineEnd()
    {
        using var services = new ServiceCollection()
            .AddLogging(b => b.AddEscapingConsole(o => (o.SingleLine, o.IncludeScopes) = (true, true)))
            .BuildServiceProvider();
        var name = services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName;
        var formatter = services.GetServices<ConsoleFormatter>().Single(f => f.Name == name);
        var scopes = new LoggerExternalScopeProvider();
        using var writer = new StringWriter();

        using (scopes.Push("run r-1 (lab\u0007)"))
            formatter.Write(new LogEntry<string>(LogLevel.Warning, "EtcdRemediator.Test", default, "Defragmented m1\u001b]0;pwned\u0007",
                new InvalidOperationException("etcd said \u001b[2J\r\nno"), (s, _) => s), scopes, writer);
        var line = writer.ToString();

        Assert.Equal(EscapingConsoleFormatter.FormatterName, name);
        Assert.EndsWith(Environment.NewLine, line, StringComparison.Ordinal);
        Assert.DoesNotContain(line[..^Environment.NewLine.Length], c => char.IsControl(c));
        Assert.Contains(@"Defragmented m1\u001b]0;pwned\u0007", line, StringComparison.Ordinal);
        Assert.Contains(@"lab\u0007", line, StringComparison.Ordinal);
        Assert.Contains(@"etcd said \u001b[2J", line, StringComparison.Ordinal);
        Assert.StartsWith("warn: EtcdRemediator.Test[0]", line, StringComparison.Ordinal); // the simple formatter's line, uncoloured
    }
}
