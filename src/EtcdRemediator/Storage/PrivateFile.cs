namespace EtcdRemediator.Storage;

/// <summary>
/// A file of the run store (the database, its lock and its owner note): read and written by the service's user
/// alone. The create mode passes through the umask, which can only narrow it; a file an older version left wider
/// (0666 under umask 000) is narrowed here.
/// </summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static FileStream Open(string path, FileMode mode, FileAccess access = FileAccess.ReadWrite, FileShare share = FileShare.None)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
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
