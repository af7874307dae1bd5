using System.Text.RegularExpressions;

namespace EtcdRemediator.IntegrationTests.StatusPage;

/// <summary>Every `sh` block of docs/runbook.md, run in order against a live service and real etcd.</summary>
public sealed partial class RunbookTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlocks();

    /// <param name="inCooldown">The usual case on call: the alert came first, the service already
    /// remediated, and the runbook's own trigger meets the cooldown (409).</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryCurlExampleInTheRunbookWorksAgainstALiveService(bool inCooldown)
    {
        var blocks = ShellBlocks().Matches(await File.ReadAllTextAsync(RepoFiles.Path("docs", "runbook.md"))).Select(m => m.Groups[1].Value).ToList();
        Assert.True(blocks.Count >= 8, $"found {blocks.Count} sh blocks");
        Assert.All(blocks, b => Assert.Contains("curl", b));

        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 12);
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "runbook-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>(RemediatorApp.ForCluster(cluster))
        {
            ["Remediator:Policy:PauseBetweenMembers"] = "00:00:00",
            ["Remediator:Auth:OperatorTokens:0"] = "runbook-token-0123456789",
        });

        if (inCooldown)
        {
            service.Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "runbook-token-0123456789");
            var first = await service.Client.RunToEndAsync("lab", "defrag");
            Assert.Equal(EtcdRemediator.Remediation.RunStatus.Succeeded, first.Status);
        }

        // One shell for all blocks, in order: later blocks use what earlier ones set ($RUN_ID).
        var script = "set -euo pipefail\n" + string.Join("\n", blocks.Select((b, i) => $"echo '=== block {i + 1}'\n{b}"));
        var info = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["REMEDIATOR"] = service.Url;
        info.Environment["TOKEN"] = "runbook-token-0123456789";
        info.Environment["CLUSTER"] = "lab";
        using var shell = Process.Start(info)!;
        var stdout = shell.StandardOutput.ReadToEndAsync();
        var stderr = shell.StandardError.ReadToEndAsync();
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var text = await stdout + await stderr;
        output.WriteLine(text);

        Assert.True(shell.ExitCode == 0, text);
        Assert.Contains($"=== block {blocks.Count}", text);
        Assert.Contains("\"status\": \"Succeeded\"", text);
        if (inCooldown) Assert.Contains("not started (HTTP 409)", text);
        // The last triggers may still be running (later ones joined them): wait until nothing is active.
        service.Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "runbook-token-0123456789");
        var runs = await Poll.UntilAsync(
            async () => System.Text.Json.JsonSerializer.Deserialize<List<EtcdRemediator.Remediation.RunRecord>>(
                await service.Client.GetStringAsync("/api/v1/remediations?cluster=lab&limit=50"), System.Text.Json.JsonSerializerOptions.Web)!,
            r => r.All(x => !x.IsActive), TimeSpan.FromMinutes(2), "the runbook's runs to end");
        Assert.All(runs, r => Assert.Contains(r.Status, new[]
        {
            EtcdRemediator.Remediation.RunStatus.Succeeded, EtcdRemediator.Remediation.RunStatus.DryRun, EtcdRemediator.Remediation.RunStatus.NothingToDo,
        }));
        // One defrag of the three members (the runbook's, or the one before it that started the
        // cooldown); the forced recover of the now healthy cluster has nothing to do.
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        DefragEvidence.AssertSequential(DefragEvidence.Windows(cluster));
        Directory.Delete(data, recursive: true);
    }
}
