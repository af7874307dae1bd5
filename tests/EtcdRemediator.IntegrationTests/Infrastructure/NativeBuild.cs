namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The service as the image and the releases hold it, for tests that take its files rather than start it: scripts/test.sh's
/// native publish when it ran (ETCDREM_SERVICE_DIR: the compile is the longest step of a run), else published here with
/// the same script, scripts/lib/publish.sh, for this machine's architecture (the build stage's COPY lines into a context of
/// its own, then its restore and publish lines; the Dockerfile's other RUN lines install the toolchain into the SDK image,
/// scripts/test.sh installs the same packages on this machine).
/// </summary>
public static class NativeBuild
{
    /// <summary>The published folder; a publish made here goes under <paramref name="work"/>.</summary>
    public static async Task<string> FolderAsync(string work)
    {
        if (await ServiceProcess.IsNativeAsync()) return await ServiceProcess.FolderAsync();
        var output = Path.Combine(work, "published");
        var (exit, said) = await Tools.RunInAsync(RepoFiles.Root, new Dictionary<string, string>(), TimeSpan.FromMinutes(10),
            "bash", "-c", "source scripts/lib/publish.sh && publish_as_the_image \"$1\" \"$2\"", "publish", output, Architecture);
        Assert.True(exit == 0, said);
        return $"{output}-{Architecture}";
    }

    /// <summary>This machine's architecture as the image's platforms and the release tarballs name it.</summary>
    public static string Architecture => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        _ => "amd64",
    };
}
