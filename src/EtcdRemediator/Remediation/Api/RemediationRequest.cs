using System.Text.Json.Serialization;
using EtcdRemediator.Configuration;
using EtcdRemediator.Http;
using FluentValidation;

namespace EtcdRemediator.Remediation.Api;

/// <summary>Body of POST /api/v1/clusters/{cluster}/remediations. Unknown fields are refused:
/// a misspelt "dry_run" must not turn a dry run into a real one.</summary>
/// <param name="Force">Bypass the cooldown and the circuit breaker (never the safety gate or the thresholds).</param>
/// <param name="IgnoreThresholds">Defragment every voting member, fragmented or not: the explicit way to do it.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RemediationRequest(string? Action, bool DryRun = false, bool Force = false, bool IgnoreThresholds = false) : IJsonBodyType
{
    /// <summary>Four small fields: 16 KiB is generous, whatever the webhook's limit is.</summary>
    public static long MaxBytes(RemediatorOptions options) => 16 * 1024;
}

internal sealed class RemediationRequestValidator : AbstractValidator<RemediationRequest>
{
    public RemediationRequestValidator()
    {
        RuleFor(r => r.Action)
            .NotEmpty().WithMessage("'action' is required: one of " + string.Join(", ", RemediationActions.Names))
            .Must(a => RemediationActions.TryParse(a, out _)).When(r => !string.IsNullOrEmpty(r.Action), ApplyConditionTo.CurrentValidator)
            .WithMessage(r => $"'{r.Action}' is not an action: use one of {string.Join(", ", RemediationActions.Names)}")
            .OverridePropertyName("action");
    }
}
