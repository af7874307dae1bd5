namespace EtcdRemediator.Startup;

internal static class HostArguments
{
    /// <summary>
    /// The command line the host is built from, with its configuration files read once, not watched. ASP.NET Core's default
    /// reload watches the content root, which is the working directory, and with it every folder below: started from /
    /// (systemd's default working directory) the service held 50,492 inotify watches and answered its first /healthz after
    /// 12.5 s (0.3 s from its own folder), and where fs.inotify.max_user_watches is lower it cannot start at all. A change
    /// to a file (a log level) now takes a restart; credentials are still read again by content where they rotate. First,
    /// so that a valueless switch at the end of the command line cannot take it as its value, and an operator can still
    /// turn the reload back on with a later argument.
    /// </summary>
    public static string[] WithoutFileWatching(string[] args) => ["--hostBuilder:reloadConfigOnChange=false", .. args];
}
