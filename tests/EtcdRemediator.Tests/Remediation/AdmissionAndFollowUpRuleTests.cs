namespace EtcdRemediator.Tests.Remediation;

public sealed class AdmissionAndFollowUpRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly PolicyOptions Policy = new() { Cooldown = TimeSpan.FromMinutes(30), CircuitBreakerThreshold = 3 };

    private static RunRequest Request(string kind, RemediationAction action, bool force = false, bool dryRun = false) =>
        new("lab", action, dryRun, force, new RunTrigger(TriggerKinds.Traits.Values.Single(t => t.Name == kind).Kind, "test"));

    // Requests wrapped, enums by name: the service's types are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<string, Arg, int, int?, int?, string?> Admissions => new()
    {
        // because, request, consecutive failures, minutes since the last defrag/recover and since the
        // last snapshot (null: none), refusal
        { "a healthy history lets an alert run", Arg.Of(Request("alert", RemediationAction.Defrag)), 0, null, null, null },
        { "three failures open the breaker", Arg.Of(Request("alert", RemediationAction.Defrag)), 3, null, null, nameof(Disposition.CircuitOpen) },
        { "the breaker stops schedules too", Arg.Of(Request("schedule", RemediationAction.Snapshot)), 3, null, null, nameof(Disposition.CircuitOpen) },
        { "a forced run passes the breaker", Arg.Of(Request("manual", RemediationAction.Defrag, force: true)), 5, null, null, null },
        { "a dry run passes everything", Arg.Of(Request("manual", RemediationAction.Defrag, dryRun: true)), 5, 1, 1, null },
        { "a defrag 10 min after a defrag waits", Arg.Of(Request("alert", RemediationAction.Defrag)), 0, 10, 10, nameof(Disposition.Cooldown) },
        { "a recover from the watch waits too", Arg.Of(Request("watch", RemediationAction.Recover)), 0, 10, 10, nameof(Disposition.Cooldown) },
        { "after 30 min the cooldown is over", Arg.Of(Request("alert", RemediationAction.Defrag)), 0, 30, 30, null },
        { "a scheduled snapshot a minute ago does not hold back a defrag", Arg.Of(Request("watch", RemediationAction.Defrag)), 0, null, 1, null },
        { "an alert's snapshot meets the cooldown of the last snapshot", Arg.Of(Request("alert", RemediationAction.Snapshot)), 0, null, 10, nameof(Disposition.Cooldown) },
        { "an operator's snapshot does not", Arg.Of(Request("manual", RemediationAction.Snapshot)), 0, 10, 10, null },
        { "a scheduled snapshot does not", Arg.Of(Request("schedule", RemediationAction.Snapshot)), 0, 10, 10, null },
        { "a disarm never does", Arg.Of(Request("alert", RemediationAction.Disarm)), 0, 1, 1, null },
        { "a follow-up skips the cooldown of the run it followed", Arg.Of(Request("follow-up", RemediationAction.Recover)), 0, 1, 1, null },
        { "a follow-up still meets the breaker", Arg.Of(Request("follow-up", RemediationAction.Recover)), 3, 1, 1, nameof(Disposition.CircuitOpen) },
    };

    [Theory]
    [InlineData(nameof(RemediationAction.Defrag), 1, nameof(Disposition.Cooldown))]
    [InlineData(nameof(RemediationAction.Recover), 1, nameof(Disposition.Cooldown))]
    [InlineData(nameof(RemediationAction.Defrag), 6, null)]
    [InlineData(nameof(RemediationAction.Snapshot), 1, null)]
    public void AfterAnInterruptedRunTheNextDefragWaitsThePauseBetweenMembers(string actionName, int secondsSince, string? refusedName)
    {
        var (action, refused) = (Enum.Parse<RemediationAction>(actionName), DispositionOrNull(refusedName));
        var history = RunHistory.None with { LastInterruptedAt = Now.AddSeconds(-secondsSince), ConsecutiveFailures = 1 };

        var refusal = AdmissionRule.Check(Request("watch", action), "lab", history, Policy with { PauseBetweenMembers = TimeSpan.FromSeconds(5) }, Now);

        Assert.Equal(refused, refusal?.Disposition);
    }

    [Theory]
    [MemberData(nameof(Admissions))]
    public void TheBreakerAndTheCooldownHoldBackWhatTheyShould(string because, Arg requestArg, int failures, int? sinceRemediation, int? sinceSnapshot,
        string? refusedName)
    {
        var (request, refused) = (requestArg.As<RunRequest>(), DispositionOrNull(refusedName));
        var history = new RunHistory(sinceRemediation is { } r ? Now.AddMinutes(-r) : null, sinceSnapshot is { } s ? Now.AddMinutes(-s) : null, failures);

        var refusal = AdmissionRule.Check(request, "lab", history, Policy, Now);

        Assert.True(refused == refusal?.Disposition, $"{because}: got {refusal}");
        if (refusal?.Disposition == Disposition.Cooldown) Assert.True(refusal.RetryAfter > Now && refusal.RetryAfter <= Now.AddMinutes(30));
    }

    [Theory]
    [InlineData(nameof(RemediationAction.Defrag), true, true)]
    [InlineData(nameof(RemediationAction.Recover), true, true)]
    [InlineData(nameof(RemediationAction.Snapshot), false, true)]
    [InlineData(nameof(RemediationAction.Disarm), false, false)]
    public void ASuccessStartsTheCooldownOfWhatItDid(string actionName, bool remediated, bool snapshotted)
    {
        var action = Enum.Parse<RemediationAction>(actionName);
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

    public static TheoryData<string, Arg, Arg, string, Arg> FollowUps
    {
        get
        {
            // Requests wrapped (the rule answers with one of them itself), the action by name (see Arg).
            var recover = Arg.Of(Request("alert", RemediationAction.Recover));
            var forcedRecover = Arg.Of(Request("manual", RemediationAction.Recover, force: true));
            var defrag = Arg.Of(Request("alert", RemediationAction.Defrag));
            var none = Arg.Of<RunRequest?>(null);
            return new()
            {
                { "no stronger than the running run: no follow-up", none, defrag, nameof(RemediationAction.Defrag), none },
                { "a stronger trigger follows", none, recover, nameof(RemediationAction.Defrag), recover },
                { "the strongest of several wins", defrag, recover, nameof(RemediationAction.Snapshot), recover },
                { "a weaker one does not replace it", recover, defrag, nameof(RemediationAction.Snapshot), recover },
                { "of equals, the forced one", recover, forcedRecover, nameof(RemediationAction.Defrag), forcedRecover },
                { "an unforced equal does not replace a forced one", forcedRecover, recover, nameof(RemediationAction.Defrag), forcedRecover },
            };
        }
    }

    [Theory]
    [MemberData(nameof(FollowUps))]
    public void TheStrongestJoiningTriggerRunsNextAsItself(string because, Arg currentArg, Arg joiningArg, string runningName, Arg expectedArg)
    {
        var (current, joining, running, expected) =
            (currentArg.As<RunRequest?>(), joiningArg.As<RunRequest>(), Enum.Parse<RemediationAction>(runningName), expectedArg.As<RunRequest?>());
        Assert.True(ReferenceEquals(expected, FollowUpRule.Choose(current, joining, running)), because);
    }

    private static Disposition? DispositionOrNull(string? name) => name is null ? null : Enum.Parse<Disposition>(name);
}
