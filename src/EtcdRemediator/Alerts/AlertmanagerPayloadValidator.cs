using EtcdRemediator.Observability;
using FluentValidation;

namespace EtcdRemediator.Alerts;

/// <summary>
/// What can never be valid, so Alertmanager should not retry it (400). Limits keep one payload
/// from costing more than it is worth: Alertmanager sends a group, not a data set.
/// </summary>
internal sealed class AlertmanagerPayloadValidator : AbstractValidator<AlertmanagerPayload>
{
    public const int MaxAlerts = 1000;
    public const int MaxLabels = 64;
    public const int MaxLabelLength = 1024;
    public const int MaxAlertNameLength = 256;
    public const int MaxFingerprintLength = 64;
    public const int MaxReceiverLength = 256;
    public const int MaxGroupKeyLength = 4096;
    public const int MaxUrlLength = 2048;

    private static readonly IReadOnlyList<string> Statuses = ["firing", "resolved"];

    private const string ControlCharacters = "must not contain control characters (line breaks, escape sequences)";

    /// <summary>Refused rather than escaped: Alertmanager never sends them, and the audit keeps names as received.</summary>
    private static bool NoControlCharacters(string? text) => !TerminalText.HasControl(text);

    private const string NullValue = "values must be strings, not null";

    /// <summary>Alertmanager's labels and annotations map strings to strings: a null value never came from it.</summary>
    private static bool NoNullValues(Dictionary<string, string>? values) => values is null || values.Values.All(v => (string?)v is not null);

    public AlertmanagerPayloadValidator()
    {
        RuleFor(p => p.Version).Equal("4").WithMessage(p => $"version '{p.Version}' is not supported; Alertmanager's webhook version is \"4\"")
            .OverridePropertyName("version");
        RuleFor(p => p.Status).Must(s => Statuses.Contains(s)).WithMessage("status must be \"firing\" or \"resolved\"")
            .OverridePropertyName("status");
        // Every field that is stored or echoed has a length: Alertmanager's own are far shorter
        // (fingerprints are 16 hex digits), so only a payload that never came from it is refused.
        RuleFor(p => p.Receiver).MaximumLength(MaxReceiverLength).Must(NoControlCharacters).WithMessage(ControlCharacters)
            .OverridePropertyName("receiver");
        RuleFor(p => p.GroupKey).MaximumLength(MaxGroupKeyLength).Must(NoControlCharacters).WithMessage(ControlCharacters)
            .OverridePropertyName("groupKey");
        RuleFor(p => p.ExternalURL).MaximumLength(MaxUrlLength).OverridePropertyName("externalURL");
        RuleFor(p => p.Alerts).NotEmpty().WithMessage("alerts must list at least one alert")
            .Must(a => a is null || a.Count <= MaxAlerts).WithMessage($"at most {MaxAlerts} alerts per payload")
            .OverridePropertyName("alerts");
        RuleFor(p => p.GroupLabels).Must(NoNullValues).WithMessage(NullValue)
            .OverridePropertyName("groupLabels");
        RuleFor(p => p.CommonLabels).Must(NoNullValues).WithMessage(NullValue)
            .OverridePropertyName("commonLabels");
        RuleFor(p => p.CommonAnnotations).Must(NoNullValues).WithMessage(NullValue)
            .OverridePropertyName("commonAnnotations");
        // Child rules skip a null element, so a null alert is refused here, by its index (alerts[0]). Past MaxAlerts
        // the count alone refuses the payload: a million nulls must not become a million errors.
        RuleForEach(p => p.Alerts).NotNull().WithMessage("an alert must be an object, not null").ChildRules(alert =>
        {
            alert.RuleFor(a => a!.Status).Must(s => Statuses.Contains(s)).When(a => a is not null)
                .WithMessage("status must be \"firing\" or \"resolved\"").OverridePropertyName("status");
            alert.RuleFor(a => a!.Labels).NotNull().When(a => a is not null).WithMessage("labels are required").OverridePropertyName("labels");
            alert.RuleFor(a => a!.Labels).Must(l => l!.ContainsKey("alertname") && !string.IsNullOrWhiteSpace(l["alertname"]))
                .When(a => a?.Labels is not null).WithMessage("labels must include a non-empty alertname").OverridePropertyName("labels");
            alert.RuleFor(a => a!.Fingerprint).MaximumLength(MaxFingerprintLength).Must(NoControlCharacters).WithMessage(ControlCharacters)
                .When(a => a is not null).OverridePropertyName("fingerprint");
            // Names reach log lines: a \r or an ESC in one could forge a line or rewrite a terminal.
            alert.RuleFor(a => a!.Labels).Must(l => NoControlCharacters(l!.GetValueOrDefault("alertname")))
                .When(a => a?.Labels is not null).WithMessage(ControlCharacters).OverridePropertyName("labels.alertname");
            alert.RuleFor(a => a!.GeneratorURL).MaximumLength(MaxUrlLength).When(a => a is not null).OverridePropertyName("generatorURL");
            alert.RuleFor(a => a!.Labels).Must(l => l!.GetValueOrDefault("alertname") is not { Length: > MaxAlertNameLength })
                .When(a => a?.Labels is not null).WithMessage($"alertname is at most {MaxAlertNameLength} characters")
                .OverridePropertyName("labels.alertname");
            alert.RuleFor(a => a!.Labels).Must(l => l!.Count <= MaxLabels)
                .When(a => a?.Labels is not null).WithMessage($"at most {MaxLabels} labels").OverridePropertyName("labels");
            alert.RuleFor(a => a!.Labels).Must(l => l!.All(kv => kv.Key.Length <= MaxLabelLength && (kv.Value?.Length ?? 0) <= MaxLabelLength))
                .When(a => a?.Labels is not null).WithMessage($"label names and values are at most {MaxLabelLength} characters")
                .OverridePropertyName("labels");
            alert.RuleFor(a => a!.Labels).Must(NoNullValues).When(a => a is not null).WithMessage(NullValue)
                .OverridePropertyName("labels");
            alert.RuleFor(a => a!.Annotations).Must(NoNullValues).When(a => a is not null).WithMessage(NullValue)
                .OverridePropertyName("annotations");
        }).When(p => p.Alerts is { Count: <= MaxAlerts }).OverridePropertyName("alerts");
    }
}
