namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The service as a process, started with one wrong setting beside a cluster "lab" that is otherwise in order: it must
/// stop at start-up with exit code 2 (the configuration's) and print what to fix.
/// </summary>
internal static class ConfigurationRefusal
{
    /// <summary>What the service printed when <paramref name="key"/> = <paramref name="value"/> stopped it with exit code 2.</summary>
    public static async Task<string[]> LinesAsync(string key, string value)
    {
        var (exit, lines) = await ServiceProcess.RunUntilExitAsync(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "lab",
            ["Remediator:Clusters:0:Endpoints:0"] = "http://127.0.0.1:2379",
            [key] = value,
        });
        Assert.True(exit == 2, $"exit code {exit}, not 2: {string.Join('\n', lines)}");
        return lines;
    }
}
