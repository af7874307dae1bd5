using System.Globalization;
using System.Runtime.InteropServices;

namespace EtcdRemediator.Benchmarks;

public static class Report
{
    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024 / 1024 / 1024;
        return $"machine: {Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), {memory} GiB, " +
               $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}, etcd {EtcdVersion()}";
    }

    public static void Table(string title, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        var widths = Enumerable.Range(0, all[0].Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        Console.WriteLine();
        Console.WriteLine($"## {title}");
        foreach (var (row, index) in all.Select((r, i) => (r, i)))
        {
            Console.WriteLine("| " + string.Join(" | ", row.Select((c, i) => c.PadRight(widths[i]))) + " |");
            if (index == 0) Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>
    /// A duration that cannot be negative or infinite: a benchmark that printed one measured the wrong
    /// events (two clocks, or a mark paired with an earlier event), so it stops instead of printing it.
    /// </summary>
    public static double Plausible(double milliseconds, string what) =>
        milliseconds is >= 0 and < double.PositiveInfinity
            ? milliseconds
            : throw new InvalidOperationException($"{what}: {milliseconds} ms is not a duration; the benchmark paired the wrong events");

    public static string S(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    public static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    public static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Runs a command to completion; returns seconds taken, throwing when it fails.</summary>
    public static async Task<double> TimeAsync(string file, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        var (exit, output) = await Tools.RunAsync(file, arguments);
        if (exit != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: {output}");
        return clock.Elapsed.TotalSeconds;
    }

    private static string EtcdVersion()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("etcd", ["--version"]) { RedirectStandardOutput = true })!;
            return process.StandardOutput.ReadLine()?.Split(':').Last().Trim() ?? "?";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
