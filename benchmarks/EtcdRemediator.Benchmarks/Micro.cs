using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using EtcdRemediator.Alerts;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Policy;
using EtcdRemediator.Snapshots;

namespace EtcdRemediator.Benchmarks;

public static class Micro
{
    public static void Run(string[] args) =>
        BenchmarkSwitcher.FromTypes([typeof(IntakeBenchmarks), typeof(PlanningBenchmarks), typeof(SnapshotBenchmarks)])
            .RunAll(DefaultConfig.Instance.AddJob(Job.ShortRun).WithOptions(ConfigOptions.DisableOptimizationsValidator), args);
}

/// <summary>What one webhook delivery costs before it reaches the store: parse, validate, route.</summary>
[MemoryDiagnoser]
public class IntakeBenchmarks
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly AlertmanagerPayloadValidator _validator = new();
    private readonly AlertOptions _alerts = new();
    private readonly string[] _clusters = ["lab", "prod"];
    private byte[] _body = [];
    private AlertmanagerPayload _payload = null!;

    [GlobalSetup]
    public void Setup()
    {
        var alerts = Enumerable.Range(1, 10).Select(i => new
        {
            status = "firing",
            labels = new Dictionary<string, string> { ["alertname"] = "etcdDatabaseHighFragmentationRatio", ["cluster"] = "prod", ["instance"] = $"127.0.0.{i}:2379" },
            annotations = new Dictionary<string, string> { ["description"] = "fragmented" },
            startsAt = "2026-11-24T09:52:26.739Z",
            endsAt = "0001-01-01T00:00:00Z",
            generatorURL = "http://127.0.0.1:9090",
            fingerprint = $"f{i}",
        });
        _body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            version = "4",
            groupKey = "{}",
            truncatedAlerts = 0,
            status = "firing",
            receiver = "r",
            alerts,
            groupLabels = new { },
            commonLabels = new { },
            commonAnnotations = new { },
            externalURL = "http://127.0.0.1:9093"
        });
        _payload = JsonSerializer.Deserialize<AlertmanagerPayload>(_body, Web)!;
    }

    // object: BenchmarkDotNet's generated project calls the method and cannot see the service's internal types
    // (a reference either way, so the result costs the same).
    [Benchmark]
    public object? Parse() => JsonSerializer.Deserialize<AlertmanagerPayload>(_body, Web);

    [Benchmark]
    public bool Validate() => _validator.Validate(_payload).IsValid;

    [Benchmark]
    public int Route() => _payload.Alerts!.Count(a => AlertRouter.Route(a, _alerts, _clusters).Kind == RouteKind.Remediate);
}

/// <summary>The planner on a 5-member cluster (4 voters and a learner).</summary>
[MemoryDiagnoser]
public class PlanningBenchmarks
{
    private readonly ClusterState _state = new("prod",
        [.. Enumerable.Range(1, 5).Select(i => new MemberState(new EtcdMember((ulong)i, $"m{i}", MemberAddress.ClientUrl($"https://127.0.0.{i}:2379"), i == 5),
            new MemberStatus((ulong)i, "3.5.17", 300L << 20, (60L + i) << 20, 2, 7, 1000, 1000, i == 5, [], 0), null))],
        [new EtcdAlarm(1, AlarmKind.NoSpace)], null, null, DateTimeOffset.UnixEpoch);

    private readonly PolicyOptions _policy = new();

    // object: the service's types are internal, and BenchmarkDotNet's generated project calls these methods.
    [Benchmark]
    public object PlanDefrag() => Planner.Plan(_state, RemediationAction.Defrag, _policy);

    [Benchmark]
    public object PlanRecover() => Planner.Plan(_state, RemediationAction.Recover, _policy);
}

/// <summary>Hashing while writing: the cost of verifying etcd's sha256 trailer in the same pass.</summary>
[MemoryDiagnoser]
public class SnapshotBenchmarks
{
    private readonly byte[] _chunk = new byte[32 * 1024];

    [Benchmark(Description = "verify 64 MiB in 32 KiB chunks")]
    public bool Verify64MiB()
    {
        using var stream = new TrailerVerifyingStream(Stream.Null);
        for (var i = 0; i < 2048; i++) stream.Write(_chunk, 0, _chunk.Length);
        return stream.Verify(out _);
    }
}
