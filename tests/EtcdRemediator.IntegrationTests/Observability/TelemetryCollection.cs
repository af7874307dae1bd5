namespace EtcdRemediator.IntegrationTests.Observability;

/// <summary>
/// OpenTelemetry listens to sources and meters by name, process-wide: while these tests run, no
/// other test's service may run beside them, or its runs would count in their metrics and spans.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "An xunit collection definition: the suffix is xunit's word for it.")]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry (runs alone)";
}
