using System.Runtime.InteropServices;

namespace EtcdRemediator.IntegrationTests.EndToEnd;

/// <summary>
/// What the runtime is told by the build: the project once set `ServerGarbageCollector` (no such
/// MSBuild property), so the service ran with the web SDK's default, server GC, a heap per core.
/// And what the tests run: the image's build, native code.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void TheServiceRunsWithWorkstationGarbageCollection()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "EtcdRemediator.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
    }

    /// <summary>
    /// The service every test starts as a process (ETCDREM_SERVICE_DIR, which scripts/test.sh publishes with the Dockerfile's
    /// own commands) is the native executable the image ships, for this machine: a framework-dependent output here would
    /// let the suite pass on a build the image does not have.
    /// </summary>
    [Fact]
    public async Task TheServiceTheTestsStartIsTheImagesNativeExecutable()
    {
        Assert.True(Environment.GetEnvironmentVariable("ETCDREM_SERVICE_DIR") is { Length: > 0 },
            "ETCDREM_SERVICE_DIR is not set: scripts/test.sh publishes the image's build and names its folder there");

        var folder = await ServiceProcess.FolderAsync();
        Assert.True(await ServiceProcess.IsNativeAsync(), $"{folder} has EtcdRemediator.dll: it is not the native build");
        NativeOutput.AssertNativeExecutable(folder,
            RuntimeInformation.OSArchitecture == Architecture.Arm64 ? NativeOutput.ElfAArch64 : NativeOutput.ElfX8664);
    }
}
