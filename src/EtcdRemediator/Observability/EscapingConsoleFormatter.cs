using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace EtcdRemediator.Observability;

/// <summary>
/// The console's one line per event, as the built-in "simple" formatter writes it, with <see cref="TerminalText"/>'s
/// rule applied to the whole line: a message's arguments, its scopes and an exception's message carry text from
/// outside (member names, etcd's errors, user agents, alert labels), and escaping here covers every log call, today's
/// and tomorrow's, where escaping at each call would miss one. The JSON formatter needs none of this: JSON escapes
/// control characters itself.
/// </summary>
internal sealed class EscapingConsoleFormatter(IServiceProvider services) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "escaped";

    /// <summary>Resolved on first use: it is one of the formatters this one is registered beside.</summary>
    private ConsoleFormatter? _simple;

    private ConsoleFormatter Simple =>
        _simple ??= services.GetServices<ConsoleFormatter>().First(f => f.Name == ConsoleFormatterNames.Simple);

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        using var line = new StringWriter(CultureInfo.InvariantCulture);
        Simple.Write(logEntry, scopeProvider, line);
        var text = line.ToString();
        // The line's own end is the one control character that stays.
        var end = text.EndsWith(Environment.NewLine, StringComparison.Ordinal) ? Environment.NewLine.Length : 0;
        textWriter.Write(TerminalText.Escape(text[..^end]));
        textWriter.Write(text.AsSpan(text.Length - end));
    }
}

internal static class EscapingConsoleLogging
{
    /// <summary>The simple console's single line, escaped; without colours, which are escape sequences themselves.</summary>
    public static ILoggingBuilder AddEscapingConsole(this ILoggingBuilder logging, Action<SimpleConsoleFormatterOptions> configure)
    {
        logging.AddSimpleConsole(o =>
        {
            configure(o);
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, EscapingConsoleFormatter>());
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = EscapingConsoleFormatter.FormatterName);
        return logging;
    }
}
