using System.Globalization;
using System.Text;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Api;

/// <summary>
/// The status as a fixed-width table, for `curl` in a terminal during an incident. Names, URLs, versions and errors come
/// from etcd (and the cluster's name from the configuration): escaped (<see cref="TerminalText"/>) before the widths are
/// measured, so a member's name can neither drive the terminal nor shift the columns.
/// </summary>
internal static class StatusTable
{
    public static string Render(ClusterStatusView view)
    {
        string[] header = ["MEMBER", "NAME", "ENDPOINT", "DB SIZE", "IN USE", "LEADER", "RAFT INDEX", "RAFT TERM", "APPLIED", "VERSION", "ERRORS"];
        var rows = view.Members.Select(m => new[]
        {
            m.Id, m.Name, m.Endpoint,
            ByteSize.Short(m.DbSize),
            m.DbSizeInUse is { } used ? $"{ByteSize.Short(used)} ({m.UtilisationPercent?.ToString("0.0", CultureInfo.InvariantCulture)}%)" : "-",
            m.IsLeader ? "*" : m.IsLearner ? "learner" : "",
            m.RaftIndex?.ToString(CultureInfo.InvariantCulture) ?? "-",
            m.RaftTerm?.ToString(CultureInfo.InvariantCulture) ?? "-",
            m.RaftAppliedIndex?.ToString(CultureInfo.InvariantCulture) ?? "-",
            m.Version ?? "-",
            string.Join("; ", new[] { m.Error }.Concat(m.Alarms).Concat(m.Errors)
                .Concat((m.Advisories ?? []).Select(a => $"advisory {a.Id} (fixed in {a.FixedIn}{(a.Accepted ? ", accepted" : "")})"))
                .Where(e => !string.IsNullOrEmpty(e))),
        }.Select(TerminalText.Escape).ToArray()).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        var alarms = view.Alarms.Count == 0 ? "none" : string.Join(", ", view.Alarms);
        text.AppendLine(TerminalText.Escape($"cluster {view.Cluster}   leader {view.Leader ?? "NONE"}   alarms {alarms}"));
        foreach (var line in rows.Prepend(header))
            text.AppendLine(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        return text.ToString();
    }
}
