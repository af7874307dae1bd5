using System.Collections.Concurrent;

namespace EtcdRemediator.IntegrationTests.Etcd;

/// <summary>One real etcd process: its ports, data directory, arguments and captured log.</summary>
public sealed class EtcdTestMember(string name, int clientPort, int peerPort, string dataDir, string clientScheme = "http", string clientHost = "127.0.0.1")
{
    private readonly ConcurrentQueue<EtcdLogLine> _log = new();
    private Process? _process;

    public string Name { get; } = name;
    public string ClientUrl { get; } = $"{clientScheme}://{clientHost}:{clientPort}";
    public string PeerUrl { get; } = $"http://127.0.0.1:{peerPort}";
    public string DataDir { get; } = dataDir;
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Every JSON log line this member has written, over all its starts.</summary>
    public IReadOnlyList<EtcdLogLine> Log => [.. _log];

    public void Start(string binary, IEnumerable<string> arguments, string logFile)
    {
        var info = new ProcessStartInfo(binary);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // One core's worth of Go scheduler per member, as a member on a node of its own has: here three members (and
        // the suite beside them) share two cores, where each runtime spinning up a thread per core cost etcd 15 %
        // more CPU for the same work (DefragRunTests, process accounting, twice each way). Behaviour is unchanged.
        info.Environment["GOMAXPROCS"] = "1";
        var writer = TextWriter.Synchronized(new StreamWriter(logFile, append: true) { AutoFlush = true });
        // The log file closes when etcd's output has ended, not when the process exits: lines read just
        // before the exit are still being handed over then (writing them to a closed file crashed the
        // test host on a loaded machine).
        _process = ChildProcesses.Start(info, line =>
        {
            writer.WriteLine(line);
            if (EtcdLogLine.TryParse(line) is { } parsed) _log.Enqueue(parsed);
        }, writer.Dispose);
    }

    public async Task StopAsync()
    {
        if (_process is { } p) await ChildProcesses.KillAsync(p);
    }

    /// <summary>SIGSTOP / SIGCONT: a member that hangs instead of dying.</summary>
    public void Signal(string signal)
    {
        if (_process is null) return;
        using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
        kill.WaitForExit();
    }
}
