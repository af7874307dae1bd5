using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace EtcdRemediator.IntegrationTests.Observability;

// Activity sources are listened to by name process-wide: this collector also sees every other service's spans in the
// test host. Everything read is picked by the run's own trace.
public sealed class TracingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task ARunIsOneSpanWithStepsAndMembersAndTheLeadersDefragLast()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 8);
        var leader = cluster.Members[await cluster.LeaderIndexAsync()].Name;
        var spans = new ConcurrentQueue<Activity>();
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));
        var client = app.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddOpenTelemetry().WithTracing(t => t.AddProcessor(new Collect(spans))))).CreateClient();

        var run = await client.RunToEndAsync("lab", "defrag");

        bool IsThisRun(Activity a) => a.DisplayName == "remediation run" && Equals(a.GetTagItem("remediation.run_id"), run.Id);
        var root = (await Poll.UntilAsync(() => Task.FromResult(spans.FirstOrDefault(IsThisRun)), a => a is not null,
            TimeSpan.FromSeconds(10), "the run span to be exported"))!;
        List<Activity> all = [.. spans.Where(a => a.TraceId == root.TraceId)];
        Assert.Equal(run.Id, root.GetTagItem("remediation.run_id"));
        Assert.Equal("Succeeded", root.GetTagItem("remediation.outcome"));
        List<Activity> Children(Activity parent) => [.. all.Where(a => a.ParentSpanId == parent.SpanId).OrderBy(a => a.StartTimeUtc)];

        foreach (var a in all.OrderBy(a => a.StartTimeUtc)) output.WriteLine($"{a.TraceId} {a.SpanId} <- {a.ParentSpanId} {a.DisplayName} {a.StartTimeUtc:HH:mm:ss.fff}-{a.StartTimeUtc + a.Duration:HH:mm:ss.fff}");
        var steps = Children(root);
        Assert.Equal(["inspect", "plan", "snapshot m", "defragment members", "verify"], steps.Select(s => s.DisplayName.StartsWith("snapshot", StringComparison.Ordinal) ? "snapshot m" : s.DisplayName));
        var members = Children(steps.Single(s => s.DisplayName == "defragment members")).Where(s => s.DisplayName.StartsWith("member ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, members.Count);
        Assert.Equal($"member {leader}", members[^1].DisplayName);
        Assert.All(members, m => Assert.NotNull(m.GetTagItem("etcd.member.id")));

        var leaderSteps = Children(members[^1]).Select(s => s.GetTagItem("remediation.step")).ToList();
        Assert.Equal(["gate", "move-leader", "defragment", "catch-up"], leaderSteps);
        var lastDefrag = all.Where(a => (string?)a.GetTagItem("remediation.step") == "defragment").MaxBy(a => a.StartTimeUtc)!;
        Assert.Equal(leader, lastDefrag.GetTagItem("etcd.member.name"));
        Assert.All(members, m => Assert.True((long)m.GetTagItem("etcd.db_size.before")! > (long)m.GetTagItem("etcd.db_size.after")!, m.DisplayName));
        // The gRPC client instrumentation sees the Defragment calls under the member spans.
        Assert.Contains(all, a => a.DisplayName.Contains("Defragment", StringComparison.Ordinal) && a.ParentSpanId == Children(members[^1]).Single(s => (string?)s.GetTagItem("remediation.step") == "defragment").SpanId);
    }

    /// <summary>
    /// Spans end on several threads at once (steps, gRPC calls): collect them into a concurrent queue.
    /// The in-memory exporter's plain list can drop spans under concurrent adds.
    /// </summary>
    private sealed class Collect(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}
