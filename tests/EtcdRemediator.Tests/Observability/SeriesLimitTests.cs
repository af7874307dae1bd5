using System.Diagnostics.Metrics;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Tests.Observability;

/// <summary>
/// OpenTelemetry allocates every metric stream's points up front (2,000 by default): the limits keep the start and the
/// idle memory small (issue 40) without losing a series a fleet needs.
/// </summary>
public sealed class SeriesLimitTests
{
    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 200)]
    [InlineData(30, 3000)]
    public void OurInstrumentsKeepAHundredSeriesPerConfiguredCluster(int clusters, int limit)
    {
        using var meter = new Meter(RemediatorTelemetry.Name);
        Assert.Equal(limit, ObservabilityExtensions.SeriesLimit(meter.CreateCounter<long>("runs"), clusters).CardinalityLimit);
    }

    [Fact]
    public void AspNetCoresAndTheRuntimesInstrumentsKeepTwoHundredWhateverTheFleet()
    {
        using var meter = new Meter("Microsoft.AspNetCore.Hosting");
        Assert.Equal(200, ObservabilityExtensions.SeriesLimit(meter.CreateHistogram<double>("http.server.request.duration"), 30).CardinalityLimit);
    }
}
