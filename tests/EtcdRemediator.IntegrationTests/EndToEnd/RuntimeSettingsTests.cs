namespace EtcdRemediator.IntegrationTests.EndToEnd;

/// <summary>
/// What the runtime is told by the build: the project once set `ServerGarbageCollector` (no such
/// MSBuild property), so the service ran with the web SDK's default, server GC, a heap per core.
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
}
