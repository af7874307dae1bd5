using System.Buffers;
using System.Globalization;
using System.Text;

namespace EtcdRemediator.Observability;

/// <summary>
/// The one rule for text from outside on its way to a log line or a terminal (etcd's member names, URLs and errors,
/// user agents, cluster names, alert labels): every control character is written as a <c>\u001b</c>-style escape, so
/// such a text can neither forge a line (<c>\r</c>, <c>\n</c>) nor drive the reader's terminal (ESC and C1 sequences:
/// colours, cursor moves, OSC titles and hyperlinks; BEL). Controls are C0, DEL and C1 (<see cref="char.IsControl(char)"/>),
/// and the line separators and bidirectional overrides, which reorder or break what a reader sees without a control code.
/// </summary>
internal static class TerminalText
{
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        [.. Range('\u0000', '\u001f'), .. Range('\u007f', '\u009f'), '\u2028', '\u2029', .. Range('\u202a', '\u202e'), .. Range('\u2066', '\u2069')]);

    private static IEnumerable<char> Range(char first, char last) => Enumerable.Range(first, last - first + 1).Select(c => (char)c);

    public static bool HasControl(string? text) => text is not null && text.AsSpan().ContainsAny(Controls);

    /// <summary>The text with each control character as <c>\uXXXX</c>; the same string when it has none (the usual case).</summary>
    public static string Escape(string text)
    {
        var first = text.AsSpan().IndexOfAny(Controls);
        if (first < 0) return text;
        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (Controls.Contains(c)) escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else escaped.Append(c);
        }
        return escaped.ToString();
    }
}
