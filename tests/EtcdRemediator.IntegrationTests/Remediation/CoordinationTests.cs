namespace EtcdRemediator.IntegrationTests.Remediation;

public sealed class CoordinationTests
{
    [Fact]
    public async Task TwoTriggersAtOnceMakeOneRunAndARunRightAfterASuccessIsInCooldown()
    {
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 12);
        var (cluster, client) = (lab.Cluster, lab.Client);

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

    /// <summary>Joining a queued run is a unit test (CoordinatorTests): here the run is surely running.</summary>
    [Fact]
    public async Task AStrongerTriggerJoiningARunningRunIsFollowedByARunOfItsOwn()
    {
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 8, configure: s => s["Remediator:Policy:PauseBetweenMembers"] = "00:00:02");
        var client = lab.Client;

        var first = await client.TriggerAsync("lab", "defrag");
        await Poll.UntilAsync(() => client.GetRunAsync(first.Id), r => r.Steps.Any(s => s.Name == "pause"), TimeSpan.FromMinutes(1), "the defrag to be running");
        var second = await client.TriggerAsync("lab", "recover");
        var run = await client.WaitForRunAsync(first.Id);

        Assert.Equal(("joined", first.Id), (second.Disposition, second.Id));
        Assert.Equal(RemediationAction.Defrag, run.Action); // a running run is not changed under its feet
        var followUp = await Poll.UntilAsync(
            async () => JsonSerializer.Deserialize<List<RunRecord>>(await client.GetStringAsync("/api/v1/remediations?cluster=lab"), System.Text.Json.JsonSerializerOptions.Web)!,
            runs => runs.Any(r => r.Trigger.Kind == TriggerKind.FollowUp && !r.IsActive), TimeSpan.FromMinutes(1), "the follow-up run to end");
        var recover = Assert.Single(followUp, r => r.Trigger.Kind == TriggerKind.FollowUp);
        Assert.Equal(RemediationAction.Recover, recover.Action);
        Assert.Contains($"while run {first.Id} was running", recover.Trigger.Source, StringComparison.Ordinal);
    }
}
