namespace EtcdRemediator.Storage;

/// <summary>
/// A file only the service's user may read and write: the run store's (the database, its lock and its owner note) and
/// the snapshots with their sidecars (they hold every Secret of a Kubernetes cluster, as etcdctl's do). The create mode
/// passes through the umask, which can only narrow it; a file an older version left wider (0666 under umask 000) is
/// narrowed here.
/// </summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static FileStream Open(string path, FileMode mode, FileAccess access = FileAccess.ReadWrite, FileShare share = FileShare.None,
        int bufferSize = 4096)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize };
        if (OperatingSystem.IsWindows()) return new FileStream(path, options);
        options.UnixCreateMode = OwnerOnly;
        var file = new FileStream(path, options);
        try
        {
            File.SetUnixFileMode(file.SafeFileHandle, OwnerOnly);
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's file that we may write (a shared volume): not ours to change, and no reason to refuse to start.
        }
        return file;
    }
}
