namespace EtcdRemediator.Remediation;

internal enum PlanVerdict
{
    Proceed,
    NothingToDo,
    Refused,
}

/// <summary>What the planner decided: members in the order they are to be defragmented, or why not.</summary>
/// <param name="RuleErrors">Members the defrag rule could not judge ("m2: the member's quota is unknown ..."): not chosen.</param>
internal sealed record RemediationPlan(PlanVerdict Verdict, IReadOnlyList<PlannedMember> Members, string? Reason,
    IReadOnlyList<string>? RuleErrors = null)
{
    public static RemediationPlan Refuse(string reason) => new(PlanVerdict.Refused, [], reason);
}
