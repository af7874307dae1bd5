using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EtcdRemediator.Advisories;
using EtcdRemediator.DefragRules;
using EtcdRemediator.Snapshots;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>
/// A run's JSON is a contract twice over: the store reads back what earlier versions wrote, and
/// GET /api/v1/remediations/{id} answers it to runbooks and scripts. It is pinned here, whole, so a
/// change to the domain value that would change either (a renamed field, a new one, an enum's name)
/// fails here, naming the field, instead of silently changing the stored or the served form.
/// </summary>
public sealed class RunContractTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    /// <summary>Every field of a run set to something other than its default.</summary>
    private static RunRecord EveryFieldSet() => new()
    {
        Id = "r-20261126-abcdef12",
        Cluster = "lab",
        Action = RemediationAction.Recover,
        DryRun = true,
        Force = true,
        IgnoreThresholds = true,
        Trigger = new RunTrigger(TriggerKind.FollowUp, "alert (etcdNoSpace) asked for recover", Force: true, Times: 2, Effect: "raised"),
        JoinedTriggers = [new RunTrigger(TriggerKind.Manual, "curl")],
        JoinedCount = 3,
        Status = RunStatus.Succeeded,
        Reason = "done",
        CreatedAt = At,
        NotBefore = At.AddMinutes(1),
        StartedAt = At.AddMinutes(2),
        FinishedAt = At.AddMinutes(3),
        Plan = [new PlannedMember("8e9e05c52164694d", "m1", "http://127.0.0.1:2379", IsLeader: true, 300, 100, 0.67,
            new RuleChoice(RuleChoice.DefragRule, "dbSize > 1", "Remediator:Clusters:0:DefragRule", new RuleValues(300, 100, 200, 1000, 0.3, true)))],
        Advisories = [new AdvisoryFinding("m1", "8e9e05c52164694d", "3.5.1", "etcd-13767", "3.5.3", AdvisoryDisposition.Accepted, "why")],
        Steps = [new StepRecord { Name = "defragment", Member = "m1", StartedAt = At, FinishedAt = At.AddSeconds(1.5),
            Outcome = StepOutcome.Failed, BytesBefore = 300, BytesAfter = 100, Detail = "detail" }],
        Snapshot = new SnapshotRecord("/snapshots/lab/a.db", "m1", 42, 300, "ab12", At.AddSeconds(1), At.AddMinutes(2), EtcdHashVerified: true),
        ReclaimedBytes = 200,
        LeftFragmented = ["m2"],
    };

    private const string Pinned = """
        {"id":"r-20261126-abcdef12","cluster":"lab","action":"recover","dryRun":true,"force":true,"ignoreThresholds":true,
        "trigger":{"kind":"follow-up","source":"alert (etcdNoSpace) asked for recover","force":true,"times":2,"effect":"raised"},
        "joinedTriggers":[{"kind":"manual","source":"curl","force":false,"times":1,"effect":null}],"joinedCount":3,
        "status":"Succeeded","reason":"done","createdAt":"2026-11-26T03:00:00+00:00","notBefore":"2026-11-26T03:01:00+00:00",
        "startedAt":"2026-11-26T03:02:00+00:00","finishedAt":"2026-11-26T03:03:00+00:00",
        "plan":[{"id":"8e9e05c52164694d","name":"m1","endpoint":"http://127.0.0.1:2379","isLeader":true,"dbSize":300,"dbSizeInUse":100,
        "fragmentationRatio":0.67,"chosenBy":{"by":"defragRule","rule":"dbSize > 1","source":"Remediator:Clusters:0:DefragRule",
        "values":{"dbSize":300,"dbSizeInUse":100,"dbSizeFree":200,"dbQuota":1000,"dbQuotaUsage":0.3,"quotaReportedByEtcd":true}}}],
        "advisories":[{"member":"m1","memberId":"8e9e05c52164694d","version":"3.5.1","advisory":"etcd-13767","fixedIn":"3.5.3",
        "disposition":"Accepted","summary":"why"}],
        "steps":[{"name":"defragment","member":"m1","startedAt":"2026-11-26T03:00:00+00:00","finishedAt":"2026-11-26T03:00:01.5+00:00",
        "outcome":"Failed","bytesBefore":300,"bytesAfter":100,"detail":"detail","durationSeconds":1.5}],
        "snapshot":{"path":"/snapshots/lab/a.db","member":"m1","revision":42,"bytes":300,"sha256":"ab12",
        "modifiedAt":"2026-11-26T03:00:01+00:00","checkedAt":"2026-11-26T03:02:00+00:00","etcdHashVerified":true},"reclaimedBytes":200,
        "leftFragmented":["m2"]}
        """;

    [Fact]
    public void ARunIsStoredAndServedExactlyAsPinned()
    {
        var actual = JsonNode.Parse(JsonSerializer.Serialize(EveryFieldSet(), JsonSerializerOptions.Web))!;
        var pinned = JsonNode.Parse(Pinned)!;

        var differences = Differences(pinned, actual, "$").ToList();

        Assert.True(differences.Count == 0, $"the run's JSON changed: {string.Join("; ", differences)}\nnow: {actual.ToJsonString()}");
    }

    [Fact]
    public void WhatEarlierVersionsStoredReadsBackAsTheSameRun()
    {
        var read = RunStore.Parse(Pinned.ReplaceLineEndings(""));

        Assert.Equal(JsonSerializer.Serialize(EveryFieldSet(), JsonSerializerOptions.Web), JsonSerializer.Serialize(read, JsonSerializerOptions.Web));
    }

    /// <summary>
    /// A Talos run as versions of 2026-11-24 stored it (before joins were counted, advisories, the defrag rule's choice and
    /// members left fragmented; with the computed fields they wrote, and 0 for a revision Talos does not give): it reads,
    /// with the newer fields at their defaults.
    /// </summary>
    [Fact]
    public void ARunAnOlderVersionStoredReadsWithTheNewerFieldsAtTheirDefaults()
    {
        const string older = """
            {"id":"r-20261124120000-0a1b2c3d","cluster":"homelab","action":"defrag","dryRun":false,"force":false,
            "trigger":{"kind":"alert","source":"etcdDatabaseHighFragmentationRatio"},"joinedTriggers":[],"status":"Succeeded",
            "reason":null,"createdAt":"2026-11-24T12:00:00+00:00","startedAt":"2026-11-24T12:00:01+00:00",
            "finishedAt":"2026-11-24T12:01:00+00:00",
            "plan":[{"id":"a85a5b2b543fe679","name":"cp-1","endpoint":"10.0.0.1","isLeader":false,"dbSize":300,"dbSizeInUse":100,
            "fragmentationRatio":0.67}],
            "steps":[{"name":"snapshot","member":"cp-1","startedAt":"2026-11-24T12:00:01+00:00","finishedAt":"2026-11-24T12:00:02+00:00",
            "outcome":"Succeeded","bytesBefore":null,"bytesAfter":300,"detail":"ok","durationSeconds":1}],
            "snapshot":{"path":"/snapshots/homelab/a.db","member":"a85a5b2b543fe679","revision":0,"bytes":300,"sha256":"ab12"},
            "reclaimedBytes":200,"isActive":false,"actionKind":2}
            """;

        var run = RunStore.Parse(older.ReplaceLineEndings(""));

        Assert.Equal((RemediationAction.Defrag, TriggerKind.Alert, RunStatus.Succeeded), (run.Action, run.Trigger.Kind, run.Status));
        Assert.Equal(0, run.Snapshot!.Revision); // as it was written: "not known" then
        Assert.Null(run.Snapshot.EtcdHashVerified); // its sha256 is etcd's trailer hash, not the file's
        Assert.Null(Assert.Single(run.Plan).ChosenBy);
        Assert.Equal((0, 0, 0), (run.JoinedCount, run.Advisories.Count, run.LeftFragmented.Count));
        Assert.Equal(200, run.ReclaimedBytes);
    }

    /// <summary>The example sets every field: a field added to the run without a value here (and so without a pin) fails.</summary>
    [Fact]
    public void TheExampleSetsEveryFieldTheRunHas()
    {
        var run = EveryFieldSet();
        var unset = typeof(RunRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null && p.CanWrite)
            .Where(p => p.GetValue(run) is null or false or 0 or 0L || (p.GetValue(run) is System.Collections.ICollection { Count: 0 }))
            .Select(p => p.Name);

        Assert.Empty(unset);
    }

    private static IEnumerable<string> Differences(JsonNode? pinned, JsonNode? actual, string path)
    {
        switch (pinned, actual)
        {
            case (JsonObject p, JsonObject a):
                foreach (var key in p.Select(kv => kv.Key).Union(a.Select(kv => kv.Key)))
                {
                    if (!a.ContainsKey(key)) yield return $"{path}.{key} is gone";
                    else if (!p.ContainsKey(key)) yield return $"{path}.{key} is new";
                    else foreach (var d in Differences(p[key], a[key], $"{path}.{key}")) yield return d;
                }
                break;
            case (JsonArray p, JsonArray a) when p.Count == a.Count:
                for (var i = 0; i < p.Count; i++) foreach (var d in Differences(p[i], a[i], $"{path}[{i}]")) yield return d;
                break;
            default:
                if (pinned?.ToJsonString() != actual?.ToJsonString())
                    yield return $"{path} was {pinned?.ToJsonString() ?? "null"}, is {actual?.ToJsonString() ?? "null"}";
                break;
        }
    }
}
