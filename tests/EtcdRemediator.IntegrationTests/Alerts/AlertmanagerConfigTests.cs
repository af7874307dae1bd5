namespace EtcdRemediator.IntegrationTests.Alerts;

/// <summary>The shipped alertmanager.example.yml, checked by Alertmanager's own tool.</summary>
public sealed class AlertmanagerConfigTests
{
    private static readonly string Example = RepoFiles.Path("alertmanager.example.yml");

    [Fact]
    public async Task TheExampleConfigPassesAmtoolCheckConfig()
    {
        var (exit, output) = await Tools.RunAsync("amtool", "check-config", Example);

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Theory]
    [InlineData("etcdDatabaseHighFragmentationRatio")]
    [InlineData("etcdDatabaseQuotaLowSpace")]
    [InlineData("etcdBackendQuotaLowSpace")]
    [InlineData("etcdNoSpaceAlarm")]
    public async Task EachRemediatedAlertRoutesToTheRemediator(string alertname)
    {
        var (exit, output) = await Tools.RunAsync("amtool", "config", "routes", "test", $"--config.file={Example}",
            "--verify.receivers=etcd-remediator", $"alertname={alertname}", "cluster=prod");

        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task OtherAlertsDoNotReachTheRemediator()
    {
        var (exit, output) = await Tools.RunAsync("amtool", "config", "routes", "test", $"--config.file={Example}",
            "--verify.receivers=default", "alertname=etcdMembersDown", "cluster=prod");

        Assert.True(exit == 0, output);
    }
}
