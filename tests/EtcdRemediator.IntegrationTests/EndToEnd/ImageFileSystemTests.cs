namespace EtcdRemediator.IntegrationTests.EndToEnd;

/// <summary>
/// No Docker engine runs here, so the image's file system is built the way docker/Dockerfile builds
/// it: its build stage's `dotnet restore` and `dotnet publish` lines for this machine's architecture, as
/// scripts/test.sh runs them once per run (ETCDREM_SERVICE_DIR names its output, reused here: the native
/// compile is the longest step of a run; by hand, without it, this test runs the same script,
/// scripts/lib/publish.sh, on a copy of what the COPY lines take from the context). The output is native code for this machine (the arm64
/// cross-compile is the release workflow's: scripts/package.sh checks its machine type), started as the
/// runtime stage would start it, in a
/// root of its own (mount and network namespaces, chroot): the runtime stage's RUN lines, the
/// Dockerfile's WORKDIR, ENV, USER and ENTRYPOINT and nothing else of this machine's environment,
/// the root read-only but the /data volume and a /tmp in memory (as the Deployment mounts them),
/// until the Dockerfile's own HEALTHCHECK passes. Drift in any of these fails it.
/// </summary>
[StartsFirst]
public sealed class ImageFileSystemTests
{
    /// <summary>What the runtime base image (mcr.microsoft.com/dotnet/runtime-deps) itself sets, under the Dockerfile's ENV.</summary>
    private static readonly Dictionary<string, string> BaseImageEnvironment = new()
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["APP_UID"] = "1654",
        ["ASPNETCORE_HTTP_PORTS"] = "8080",
        ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
    };


    [Fact]
    public async Task TheImagesFileSystemServesAsItsUserOnAReadOnlyRoot()
    {
        var (_, uid) = await Tools.RunAsync("id", "-u");
        Assert.True(uid.Trim() == "0", "building the image's root (mount namespace, chroot) needs root, as this project's machines run");
        var dockerfile = DockerfileStages.Parse(await File.ReadAllTextAsync(RepoFiles.Path("docker", "Dockerfile")));
        var runtime = dockerfile.Stage("runtime");
        var work = Directory.CreateTempSubdirectory("etcdrem-it-image-").FullName;
        try
        {
            // COPY --from=build <published> <workdir>: the build stage's output folder is what the runtime stage holds.
            Assert.Single(runtime, i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=build ", StringComparison.Ordinal));
            var output = await NativeBuild.FolderAsync(work);
            NativeOutput.AssertNativeExecutable(output, NativeOutput.ElfX8664);

            var (_, said) = await Tools.RunInAsync(work, new Dictionary<string, string>(), TimeSpan.FromMinutes(3),
                // A pid namespace of its own, killed with unshare: the service (chroot and env exec into
                // it, so killing the backgrounded shell function missed it) never outlives the test.
                "unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "bash", "-c", RootScript(runtime, Path.Combine(work, "root"), output, Path.Combine(work, "service.log")));
            Assert.Empty(ProcessesRootedAt(Path.Combine(work, "root"))); // nothing of the image outlives the test
            var lines = said.Split('\n').Select(l => l.Trim()).ToList();
            Assert.True(lines.Contains("HEALTHY"), said);
            Assert.Contains($"UID {BaseImageEnvironment["APP_UID"]}", lines);
            Assert.Contains("APP-READ-ONLY", lines);
            Assert.Contains("ROOT-READ-ONLY", lines);
            Assert.Contains("STORE-ON-DATA", lines);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Processes whose root directory is <paramref name="root"/> (chrooted into it), by /proc/PID/root.</summary>
    private static List<int> ProcessesRootedAt(string root) =>
        [.. Directory.GetDirectories("/proc").Select(Path.GetFileName).OfType<string>()
            .Select(n => int.TryParse(n, out var pid) ? pid : -1).Where(pid => pid > 0)
            .Where(pid =>
            {
                try { return new FileInfo($"/proc/{pid}/root").LinkTarget == root; }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
            })];

    /// <summary>
    /// The runtime stage in a root of its own: this machine's /usr and /etc read-only (the base
    /// image's userland and .NET runtime stand-in), the published folder copied into WORKDIR as root
    /// (as COPY leaves it), the stage's RUN lines as root, then /data its own mount (VOLUME), the root
    /// remounted read-only, a /tmp in memory, and the ENTRYPOINT as USER with only the image's environment.
    /// </summary>
    private static string RootScript(IReadOnlyList<DockerInstruction> runtime, string root, string published, string log)
    {
        static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        var env = new Dictionary<string, string>(BaseImageEnvironment);
        foreach (var (key, value) in runtime.Where(i => i.Keyword == "ENV").SelectMany(i => i.EnvPairs())) env[key] = value;
        var envArgs = string.Join(' ', env.Select(kv => Quote($"{kv.Key}={kv.Value}")));
        var workdir = Assert.Single(runtime, i => i.Keyword == "WORKDIR").Arguments;
        var user = Assert.Single(runtime, i => i.Keyword == "USER").Arguments.Replace("$APP_UID", BaseImageEnvironment["APP_UID"], StringComparison.Ordinal);
        Assert.Matches(@"^\d+$", user);
        var entrypoint = string.Join(' ', Assert.Single(runtime, i => i.Keyword == "ENTRYPOINT").ExecForm().Select(Quote));
        var health = string.Join(' ', Assert.Single(runtime, i => i.Keyword == "HEALTHCHECK").ExecForm().Select(Quote));
        var runs = string.Join('\n', runtime.Where(i => i.Keyword == "RUN").Select(r =>
            $"chroot \"$root\" /usr/bin/env -i {envArgs} sh -c {Quote($"cd {workdir} && {r.Arguments}")}"));
        return $$"""
            set -euo pipefail
            root={{Quote(root)}}
            mount --make-rprivate /
            mkdir -p "$root"/usr "$root"/etc "$root"/proc "$root"/dev "$root"/tmp "$root"{{workdir}}
            for l in bin lib lib64 sbin; do ln -s usr/$l "$root/$l"; done
            mount --bind "$root" "$root"
            mount --rbind /usr "$root/usr" && mount -o remount,bind,ro "$root/usr"
            mount --bind /etc "$root/etc" && mount -o remount,bind,ro "$root/etc"
            mount --rbind /dev "$root/dev"
            mount -t proc proc "$root/proc"
            cp -r {{Quote(published)}}/. "$root"{{workdir}}/
            {{runs}}
            mount --bind "$root/data" "$root/data"
            mount -o remount,bind,ro "$root"
            mount -t tmpfs -o size=16m,mode=1777 tmpfs "$root/tmp"
            ip link set lo up
            as_user() { chroot --userspec={{user}}:{{user}} "$root" /usr/bin/env -i -C {{workdir}} {{envArgs}} "$@"; }
            as_user {{entrypoint}} >{{Quote(log)}} 2>&1 &
            service=$!
            for i in $(seq 60); do
              if as_user {{health}} >/dev/null 2>&1; then echo HEALTHY; break; fi
              kill -0 $service 2>/dev/null || break
              sleep 1
            done
            echo "UID $(as_user id -u)"
            as_user sh -c 'touch {{workdir}}/probe' 2>/dev/null && echo APP-WRITABLE || echo APP-READ-ONLY
            as_user sh -c 'touch /probe' 2>/dev/null && echo ROOT-WRITABLE || echo ROOT-READ-ONLY
            [ -f "$root/data/remediator.db" ] && echo STORE-ON-DATA
            kill $service 2>/dev/null || true
            wait $service || true
            echo '--- the service said:'
            cat {{Quote(log)}}
            """;
    }
}
