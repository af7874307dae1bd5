namespace EtcdRemediator.Storage;

/// <summary>Another process holds the run store: this one must not start.</summary>
public sealed class StoreInUseException(string message) : Exception(message);

/// <summary>
/// One process per run store. Two processes on one store would each believe they alone coordinate
/// its clusters (two defragments at once, each marking the other's running run Interrupted). An
/// exclusive lock on <c>&lt;store&gt;.lock</c> (flock, released by the kernel when the process dies,
/// however it dies), and a plain <c>&lt;store&gt;.owner</c> file that says who holds it.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private readonly FileStream _lock;

    private StoreLock(FileStream handle) => _lock = handle;

    public static StoreLock Acquire(string storePath)
    {
        var owner = storePath + ".owner";
        try
        {
            var handle = new FileStream(storePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(owner, $"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.UtcNow:O}");
            return new StoreLock(handle);
        }
        catch (IOException)
        {
            var holder = File.Exists(owner) ? File.ReadAllText(owner).Trim() : "another process";
            throw new StoreInUseException(
                $"the run store {storePath} is in use by another EtcdRemediator ({holder}). Stop that one first; two processes " +
                "must never remediate the same clusters. A second instance needs its own Storage:Path and its own clusters.");
        }
    }

    public void Dispose() => _lock.Dispose();
}
