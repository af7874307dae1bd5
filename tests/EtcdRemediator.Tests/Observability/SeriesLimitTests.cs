using System.Diagnostics.Metrics;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Tests.Observability;

/// <summary>
/// OpenTelemetry allocates every metric stream's points up front (2,000 by default) and never frees one of a cumulative
/// stream (issue 40: the start and the idle memory). The runtime's and ASP.NET Core's own instruments keep 200; ours 200
/// per configured cluster; our alerts counter (not labelled by cluster) and the request durations (labels callers shape)
/// the default.
/// </summary>
public sealed class SeriesLimitTests
{
    private static int? LimitOf(string meterName, string instrument, int clusters = 1)
    {
        using var meter = new Meter(meterName);
        return ObservabilityExtensions.SeriesLimits(clusters)(meter.CreateCounter<long>(instrument))?.CardinalityLimit;
    }

    [Fact]
    public void TheRuntimesAndFrameworksOwnInstrumentsKeepTwoHundred()
    {
        Assert.Equal(200, LimitOf("System.Runtime", "dotnet.gc.collections"));
        Assert.Equal(200, LimitOf("Microsoft.AspNetCore.Server.Kestrel", "kestrel.connection.duration", clusters: 30));
        Assert.Equal(200, LimitOf("Microsoft.AspNetCore.Routing", "aspnetcore.routing.match_attempts"));
    }

    [Theory]
    [InlineData(0, 200)] // none configured: the default cluster
    [InlineData(1, 200)]
    [InlineData(3, 600)]
    [InlineData(10, 2000)]
    [InlineData(50, 10_000)] // each cluster its own room, however many
    public void OursGrowWithTheConfiguredClusters(int clusters, int limit) =>
        Assert.Equal(limit, LimitOf(RemediatorTelemetry.Name, "etcd_remediator_member_advisory", clusters));

    [Fact]
    public void TheAlertsAndTheRequestsCallersShapeKeepTheDefault()
    {
        Assert.Null(LimitOf(RemediatorTelemetry.Name, RemediatorTelemetry.AlertsInstrument, clusters: 1));
        Assert.Null(LimitOf("Microsoft.AspNetCore.Hosting", "http.server.request.duration", clusters: 1));
    }
}
