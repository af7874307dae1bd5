using EtcdRemediator.Remediation.Api;

namespace EtcdRemediator.IntegrationTests.Api;

/// <summary>What an on-call engineer does with curl, answered in one call and without surprises.</summary>
public sealed class OnCallTests
{
    [Fact]
    public async Task ADryRunAnswersWithItsPlanInOneCall()
    {
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 8);
        var cluster = lab.Cluster;
        var leader = cluster.Members[await cluster.LeaderIndexAsync()].Name;

        var response = await lab.Client.PostTriggerAsync("lab", "defrag", dryRun: true);
        var answer = await response.Content.ReadFromJsonAsync<RemediationEndpoints.TriggerAnswer>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(("dry-run", "DryRun"), (answer!.Disposition, answer.Status)); // a dry run starts no remediation
        Assert.Equal(3, answer.Plan!.Count);
        Assert.Equal(leader, answer.Plan[^1].Name);
        Assert.Empty(DefragEvidence.Windows(cluster));
    }

    [Fact]
    public async Task AWaitLongerThanAMinuteIsRefusedNamingTheParameter()
    {
        await using var app = new RemediatorApp(RemediatorApp.ForUnreachableCluster("local"));

        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/clusters/local/remediations?wait=10m", new { action = "snapshot" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'wait'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AForcedRecoverOfAHealthyClusterDefragmentsNothingUnlessThresholdsAreIgnoredByName()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.WriteAsync("live/", 200);
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));
        var client = app.CreateClient();

        var forced = await client.RunToEndAsync("lab", "recover", force: true);

        Assert.Equal(RunStatus.NothingToDo, forced.Status);
        Assert.Contains("ignoreThresholds", forced.Reason);
        Assert.Empty(DefragEvidence.Windows(cluster));

        var response = await client.PostAsJsonAsync("/api/v1/clusters/lab/remediations", new { action = "defrag", force = true, ignoreThresholds = true });
        var regardless = await client.WaitForRunAsync((await response.Content.ReadFromJsonAsync<RemediationEndpoints.TriggerAnswer>())!.Id);

        Assert.True(regardless.Status == RunStatus.Succeeded, $"{regardless.Status}: {regardless.Reason}");
        Assert.True(regardless.IgnoreThresholds);
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
    }
}
