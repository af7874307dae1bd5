using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Remediation.Rules;

namespace EtcdRemediator.Tests.Remediation;

public sealed class AdmissionAndFollowUpRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly PolicyOptions Policy = new() { Cooldown = TimeSpan.FromMinutes(30), CircuitBreakerThreshold = 3 };

    private static RunRequest Request(string kind, RemediationAction action, bool force = false, bool dryRun = false) =>
        new("lab", action, dryRun, force, new RunTrigger(TriggerKinds.Traits.Values.Single(t => t.Name == kind).Kind, "test"));

    public static TheoryData<string, RunRequest, int, int?, int?, Disposition?> Admissions => new()
    {
        // because, request, consecutive failures, minutes since the last defrag/recover and since the
        // last snapshot (null: none), refusal
        { "a healthy history lets an alert run", Request("alert", RemediationAction.Defrag), 0, null, null, null },
        { "three failures open the breaker", Request("alert", RemediationAction.Defrag), 3, null, null, Disposition.CircuitOpen },
        { "the breaker stops schedules too", Request("schedule", RemediationAction.Snapshot), 3, null, null, Disposition.CircuitOpen },
        { "a forced run passes the breaker", Request("manual", RemediationAction.Defrag, force: true), 5, null, null, null },
        { "a dry run passes everything", Request("manual", RemediationAction.Defrag, dryRun: true), 5, 1, 1, null },
        { "a defrag 10 min after a defrag waits", Request("alert", RemediationAction.Defrag), 0, 10, 10, Disposition.Cooldown },
        { "a recover from the watch waits too", Request("watch", RemediationAction.Recover), 0, 10, 10, Disposition.Cooldown },
        { "after 30 min the cooldown is over", Request("alert", RemediationAction.Defrag), 0, 30, 30, null },
        { "a scheduled snapshot a minute ago does not hold back a defrag", Request("watch", RemediationAction.Defrag), 0, null, 1, null },
        { "an alert's snapshot meets the cooldown of the last snapshot", Request("alert", RemediationAction.Snapshot), 0, null, 10, Disposition.Cooldown },
        { "an operator's snapshot does not", Request("manual", RemediationAction.Snapshot), 0, 10, 10, null },
        { "a scheduled snapshot does not", Request("schedule", RemediationAction.Snapshot), 0, 10, 10, null },
        { "a disarm never does", Request("alert", RemediationAction.Disarm), 0, 1, 1, null },
        { "a follow-up skips the cooldown of the run it followed", Request("follow-up", RemediationAction.Recover), 0, 1, 1, null },
        { "a follow-up still meets the breaker", Request("follow-up", RemediationAction.Recover), 3, 1, 1, Disposition.CircuitOpen },
    };

    [Theory]
    [InlineData(RemediationAction.Defrag, 1, Disposition.Cooldown)]
    [InlineData(RemediationAction.Recover, 1, Disposition.Cooldown)]
    [InlineData(RemediationAction.Defrag, 6, null)]
    [InlineData(RemediationAction.Snapshot, 1, null)]
    public void AfterAnInterruptedRunTheNextDefragWaitsThePauseBetweenMembers(RemediationAction action, int secondsSince, Disposition? refused)
    {
        var history = RunHistory.None with { LastInterruptedAt = Now.AddSeconds(-secondsSince), ConsecutiveFailures = 1 };

        var refusal = AdmissionRule.Check(Request("watch", action), "lab", history, Policy with { PauseBetweenMembers = TimeSpan.FromSeconds(5) }, Now);

        Assert.Equal(refused, refusal?.Disposition);
    }

    [Theory]
    [MemberData(nameof(Admissions))]
    public void TheBreakerAndTheCooldownHoldBackWhatTheyShould(string because, RunRequest request, int failures, int? sinceRemediation, int? sinceSnapshot, Disposition? refused)
    {
        var history = new RunHistory(sinceRemediation is { } r ? Now.AddMinutes(-r) : null, sinceSnapshot is { } s ? Now.AddMinutes(-s) : null, failures);

        var refusal = AdmissionRule.Check(request, "lab", history, Policy, Now);

        Assert.True(refused == refusal?.Disposition, $"{because}: got {refusal}");
        if (refusal?.Disposition == Disposition.Cooldown) Assert.True(refusal.RetryAfter > Now && refusal.RetryAfter <= Now.AddMinutes(30));
    }

    [Theory]
    [InlineData(RemediationAction.Defrag, true, true)]
    [InlineData(RemediationAction.Recover, true, true)]
    [InlineData(RemediationAction.Snapshot, false, true)]
    [InlineData(RemediationAction.Disarm, false, false)]
    public void ASuccessStartsTheCooldownOfWhatItDid(RemediationAction action, bool remediated, bool snapshotted)
    {
        var after = new RunHistory(null, null, 2).Succeeded(action, Now);

        Assert.Equal(remediated ? Now : null, after.LastRemediationAt);
        Assert.Equal(snapshotted ? Now : null, after.LastSnapshotAt);
        Assert.Equal(0, after.ConsecutiveFailures);
    }

    [Fact]
    public void ASuccessThatLeftAnUndefragmentedMemberOverTheRuleStartsNoDefragCooldown()
    {
        var after = new RunHistory(null, null, 2).Succeeded(RemediationAction.Defrag, Now, leftFragmented: true);

        Assert.Equal((null, Now, Now, 0), (after.LastRemediationAt, after.LastSnapshotAt, after.LastSuccessAt, after.ConsecutiveFailures));
    }

    public static TheoryData<string, RunRequest?, RunRequest, RemediationAction, RunRequest?> FollowUps
    {
        get
        {
            var recover = Request("alert", RemediationAction.Recover);
            var forcedRecover = Request("manual", RemediationAction.Recover, force: true);
            var defrag = Request("alert", RemediationAction.Defrag);
            return new()
            {
                { "no stronger than the running run: no follow-up", null, defrag, RemediationAction.Defrag, null },
                { "a stronger trigger follows", null, recover, RemediationAction.Defrag, recover },
                { "the strongest of several wins", defrag, recover, RemediationAction.Snapshot, recover },
                { "a weaker one does not replace it", recover, defrag, RemediationAction.Snapshot, recover },
                { "of equals, the forced one", recover, forcedRecover, RemediationAction.Defrag, forcedRecover },
                { "an unforced equal does not replace a forced one", forcedRecover, recover, RemediationAction.Defrag, forcedRecover },
            };
        }
    }

    [Theory]
    [MemberData(nameof(FollowUps))]
    public void TheStrongestJoiningTriggerRunsNextAsItself(string because, RunRequest? current, RunRequest joining, RemediationAction running, RunRequest? expected)
    {
        Assert.True(ReferenceEquals(expected, FollowUpRule.Choose(current, joining, running)), because);
    }
}
