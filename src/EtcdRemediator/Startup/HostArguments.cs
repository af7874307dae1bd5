namespace EtcdRemediator.Startup;

internal static class HostArguments
{
    /// <summary>
    /// The command line the host is built from, with its configuration files read once, not watched. ASP.NET Core's default
    /// reload watches the content root, which is the working directory, and with it every folder below: started from /
    /// (systemd's default working directory) the service held 50,492 inotify watches and answered its first /healthz after
    /// 12.5 s (0.3 s from its own folder), and where fs.inotify.max_user_watches is lower it cannot start at all. Nothing
    /// here reloads options on a change anyway (credentials are read again by content where they rotate).
    /// </summary>
    public static string[] WithoutFileWatching(string[] args) => [.. args, "--hostBuilder:reloadConfigOnChange=false"];
}
