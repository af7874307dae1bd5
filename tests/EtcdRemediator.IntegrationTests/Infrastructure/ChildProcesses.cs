using System.Collections.Concurrent;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// Every process a test starts is registered here, so that a test host that ends without disposing
/// its fixtures (a crash, a cancelled run) still takes etcd, Prometheus and friends with it.
/// </summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    /// <param name="onOutput">Each line of stdout and stderr.</param>
    /// <param name="onOutputClosed">Once both streams have ended: after the last <paramref name="onOutput"/>
    /// call. (Exited is not that moment: lines read before the exit can still be on their way.)</param>
    public static Process Start(ProcessStartInfo info, Action<string>? onOutput = null, Action? onOutputClosed = null)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var open = 2;
        void Line(string? data)
        {
            if (data is not null) onOutput?.Invoke(data);
            else if (Interlocked.Decrement(ref open) == 0) onOutputClosed?.Invoke();
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start {info.FileName}");
        Running[process.Id] = process;
        process.Exited += (_, _) => Running.TryRemove(process.Id, out _);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        Running.TryRemove(process.Id, out _);
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
    }
}
