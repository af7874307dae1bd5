using System.Runtime.InteropServices;

namespace EtcdRemediator.Tests.Storage;

/// <summary>The umask is the process's: no other test may create files while one of these has it at 000.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedUmask
{
    public const string Name = "umask";
}

/// <summary>The lock and owner files once followed the umask: 0666 under umask 000, so anyone could read who holds the store.</summary>
[Collection(SharedUmask.Name)]
public sealed class StoreLockTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-storelock-").FullName;

    private string Store => Path.Combine(_dir, "remediator.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Umask(uint mask);

    [Fact]
    public void UnderUmask000TheStoreItsLockAndItsOwnerAreCreated0600()
    {
        var before = Umask(0);
        try
        {
            using var held = StoreLock.Acquire(Store);

            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Store));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Store + ".lock"));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Store + ".owner"));
        }
        finally
        {
            _ = Umask(before);
        }
    }

    [Fact]
    public void ALockAndAnOwnerFileLeftWiderByAnOlderVersionAreNarrowedTo0600()
    {
        foreach (var file in new[] { Store + ".lock", Store + ".owner" })
        {
            File.WriteAllText(file, "pid 1 on old-host");
            File.SetUnixFileMode(file, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        }

        using var held = StoreLock.Acquire(Store);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Store + ".lock"));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Store + ".owner"));
        Assert.StartsWith($"pid {Environment.ProcessId} ", File.ReadAllText(Store + ".owner"), StringComparison.Ordinal);
    }

    [Fact]
    public void ASecondHolderIsStillToldWhoHoldsTheStore()
    {
        using var held = StoreLock.Acquire(Store);

        var refused = Assert.Throws<StoreInUseException>(() => StoreLock.Acquire(Store));

        Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}", refused.Message, StringComparison.Ordinal);
    }
}
