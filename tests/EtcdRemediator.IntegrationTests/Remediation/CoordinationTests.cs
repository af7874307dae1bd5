using System.Net;
using System.Text.Json;
using EtcdRemediator.IntegrationTests.Etcd;
using EtcdRemediator.IntegrationTests.Infrastructure;
using EtcdRemediator.Remediation;

namespace EtcdRemediator.IntegrationTests.Remediation;

public sealed class CoordinationTests
{
    [Fact]
    public async Task TwoTriggersAtOnceMakeOneRunAndARunRightAfterASuccessIsInCooldown()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 12);
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));
        var client = app.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => client.TriggerAsync("lab", "defrag")));

        Assert.Single(answers.Select(a => a.Id).Distinct());
        Assert.Equal(["joined", "started"], answers.Select(a => a.Disposition).Order());
        var run = await client.WaitForRunAsync(answers[0].Id);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(run.JoinedTriggers);
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);

        var again = await client.PostTriggerAsync("lab", "defrag");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var problem = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
        Assert.Equal("cooldown", problem.RootElement.GetProperty("disposition").GetString());
        Assert.Contains("cooldown until", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);

        var forced = await client.RunToEndAsync("lab", "defrag", force: true);
        Assert.Equal(RunStatus.NothingToDo, forced.Status);
    }

    [Fact]
    public async Task AStrongerTriggerJoiningAQueuedRunUpgradesIt()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 8);
        var settings = RemediatorApp.ForCluster(cluster);
        settings["Remediator:Policy:PauseBetweenMembers"] = "00:00:01";
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();

        var first = await client.TriggerAsync("lab", "defrag");
        var second = await client.TriggerAsync("lab", "recover");
        var run = await client.WaitForRunAsync(first.Id);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("joined", second.Disposition);
        // Either it was still queued and became a recover, or it was running and a recover follows it.
        var runs = JsonSerializer.Deserialize<List<RunRecord>>(await client.GetStringAsync("/api/v1/remediations?cluster=lab"), System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.True(run.Action == "recover" || runs.Any(r => r.Action == "recover" && r.Trigger.Kind == "follow-up"),
            string.Join(", ", runs.Select(r => $"{r.Id} {r.Action} {r.Trigger.Kind}")));
    }
}
