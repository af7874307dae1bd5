namespace EtcdRemediator.Storage;

/// <summary>Another process holds the run store: this one must not start.</summary>
internal sealed class StoreInUseException(string message) : Exception(message);

/// <summary>
/// One process per run store. Two processes on one store would each believe they alone coordinate
/// its clusters (two defragments at once, each marking the other's running run Interrupted). An
/// exclusive lock (flock, released by the kernel when the process dies, however it dies) on the store
/// file itself and on <c>&lt;store&gt;.lock</c>, so that deleting the lock file after a crash (a common
/// reflex) opens no door: the store stays locked while its holder lives. SQLite's own locks are fcntl
/// locks, which flock does not touch; the handle stays open for the process's life, since closing a
/// descriptor of the file would drop SQLite's fcntl locks. A plain <c>&lt;store&gt;.owner</c> says who holds it. All three are 0600
/// (<see cref="PrivateFile"/>): the owner note names the host and the process.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream[] _locks;

    private StoreLock(params FileStream[] handles) => _locks = handles;

    public static StoreLock Acquire(string storePath)
    {
        var owner = storePath + ".owner";
        try
        {
            var lockFile = PrivateFile.Open(storePath + ".lock", FileMode.OpenOrCreate);
            FileStream store;
            try
            {
                // An empty file is a new SQLite database.
                store = PrivateFile.Open(storePath, FileMode.OpenOrCreate);
            }
            catch
            {
                lockFile.Dispose();
                throw;
            }
            // Readable while written: a second process reads it to say who holds the store.
            using (var note = new StreamWriter(PrivateFile.Open(owner, FileMode.Create, FileAccess.Write, FileShare.Read)))
                note.Write($"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.UtcNow:O}");
            return new StoreLock(lockFile, store);
        }
        catch (IOException)
        {
            var holder = File.Exists(owner) ? File.ReadAllText(owner).Trim() : "another process";
            throw new StoreInUseException(
                $"the run store {storePath} is in use by another EtcdRemediator ({holder}). Stop that one first; two processes " +
                "must never remediate the same clusters. A second instance needs its own Storage:Path and its own clusters.");
        }
    }

    public void Dispose()
    {
        foreach (var handle in _locks) handle.Dispose();
    }
}
