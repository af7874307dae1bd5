namespace EtcdRemediator.IntegrationTests.Api;

public sealed class StartupErrorTests
{
    /// <summary>A misconfigured service says what to fix, in a few lines, and stops: no stack trace first.</summary>
    [Fact]
    public async Task BadConfigurationStopsTheProcessWithOnlyTheMessagesNamingEachKey()
    {
        var (exit, lines) = await ServiceProcess.RunUntilExitAsync(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Backend"] = "Kubeadm",
            ["Remediator:Policy:RequestTimeout"] = "10",
            ["Remediator:Polcy:Cooldown"] = "30m",
        });

        Assert.Equal(2, exit);
        Assert.Equal(
        [
            "EtcdRemediator cannot start; fix the configuration:",
            "  - Remediator:Clusters:0:Backend: 'Kubeadm' is not one of Etcd, Talos.",
            "  - Remediator:Polcy:Cooldown: is not a setting; did you mean Remediator:Policy:Cooldown?",
            "  - Remediator:Policy:RequestTimeout: '10' is not a duration: write a duration such as 10s, 30m, 1h30m or 00:10:00.",
        ], lines);
    }
}
