using System.Globalization;

namespace EtcdRemediator.Benchmarks;

/// <summary>A process's memory and CPU time as Linux counts them (/proc/PID/status and /proc/PID/stat).</summary>
public static class ProcessMemory
{
    public static string MiB(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MiB";

    /// <summary>VmRSS's three parts: anonymous (heaps, stacks), file-backed (mapped assemblies and native libraries),
    /// shared memory (the runtime's double-mapped executable memory).</summary>
    public static string Parts(int pid) =>
        $"{MiB(Status(pid, "RssAnon:"))} + {MiB(Status(pid, "RssFile:"))} + {MiB(Status(pid, "RssShmem:"))}";

    public static long Rss(int pid) => Status(pid, "VmRSS:");

    public static long Hwm(int pid) => Status(pid, "VmHWM:");

    /// <summary>User plus system CPU time the process has used, in seconds (fields 14 and 15 of /proc/PID/stat, in clock ticks).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    private static long Status(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field, StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024)
            .Single();
}
