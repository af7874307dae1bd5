using System.Net.Http.Headers;

namespace EtcdRemediator.IntegrationTests.Observability;

/// <summary>
/// Text from outside reaches an operator's terminal escaped: through the service's log and through the status table of
/// the README's on-call command (`curl -H 'Accept: text/plain'`). Both once passed an etcd member's name and a
/// manual run's User-Agent raw, so either could set the terminal's title, clear it or recolour it.
/// </summary>
public sealed class TerminalEscapeTests
{
    /// <summary>An OSC title ended by BEL, ESC's clear-screen, and C1's one-byte CSI.</summary>
    private const string Hostile = "\u001b]0;pwned\u0007\u001b[2J\u009b31m";

    /// <summary>A header is ASCII (Kestrel refuses other bytes): no C1 there.</summary>
    private const string HostileAscii = "\u001b]0;pwned\u0007\u001b[2J";

    [Fact]
    public async Task AMemberNamedWithEscapesAndAUserAgentWithThemLeaveNoControlCharacterInTheLogOrTheTable()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new() { MemberName = i => i == 1 ? "m1" + Hostile : $"m{i}" });
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "escapes-").FullName;
        try
        {
            var settings = RemediatorApp.ForCluster(cluster);
            settings["Remediator:Policy:PauseBetweenMembers"] = "0s";
            await using var service = await ServiceProcess.StartAsync(data, settings);
            Assert.True(service.Client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", "curl/8.5.0" + HostileAscii));

            var run = await service.Client.RunToEndAsync("lab", "defrag", ignoreThresholds: true);
            using var ask = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clusters/lab/status") { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("text/plain") } } };
            var table = await (await service.Client.SendAsync(ask)).Content.ReadAsStringAsync();
            var log = await Poll.UntilAsync(() => Task.FromResult(service.Output),
                o => o.Contains($"Run {run.Id} for lab (defrag) ended", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the run's last log line");

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Contains("curl/8.5.0" + HostileAscii, run.Trigger.Source); // the run record keeps what was sent; JSON escapes it
            Assert.Contains(@"m1\u001b]0;pwned\u0007\u001b[2J\u009b31m", table);
            Assert.DoesNotContain(table, c => char.IsControl(c) && c != '\n');
            Assert.Contains(@"curl/8.5.0\u001b]0;pwned\u0007\u001b[2J", log);
            Assert.Contains(@"m1\u001b]0;pwned\u0007\u001b[2J\u009b31m", log);
            Assert.DoesNotContain(log, c => char.IsControl(c) && c != '\n');
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
