namespace EtcdRemediator.Remediation;

public enum PlanVerdict
{
    Proceed,
    NothingToDo,
    Refused,
}

/// <summary>What the planner decided: members in the order they are to be defragmented, or why not.</summary>
public sealed record RemediationPlan(PlanVerdict Verdict, IReadOnlyList<PlannedMember> Members, string? Reason)
{
    public static RemediationPlan Refuse(string reason) => new(PlanVerdict.Refused, [], reason);
}
