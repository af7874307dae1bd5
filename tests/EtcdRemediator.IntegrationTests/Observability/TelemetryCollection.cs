namespace EtcdRemediator.IntegrationTests.Observability;

/// <summary>
/// OpenTelemetry listens to sources and meters by name, process-wide: while these tests run, no
/// other test's service may run beside them, or its runs would count in their metrics and spans.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry (runs alone)";
}
