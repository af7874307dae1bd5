using System.Diagnostics.Metrics;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Tests.Observability;

/// <summary>
/// OpenTelemetry allocates every metric stream's points up front (2,000 by default) and never frees one of a cumulative
/// stream: the runtime's and ASP.NET Core's own instruments keep 200 (issue 40: the start and the idle memory), while the
/// instruments whose labels grow with the fleet or with what callers send keep the default.
/// </summary>
public sealed class SeriesLimitTests
{
    private static int? LimitOf(string meterName, string instrument)
    {
        using var meter = new Meter(meterName);
        return ObservabilityExtensions.SeriesLimit(meter.CreateCounter<long>(instrument))?.CardinalityLimit;
    }

    [Fact]
    public void TheRuntimesAndFrameworksOwnInstrumentsKeepTwoHundred()
    {
        Assert.Equal(200, LimitOf("System.Runtime", "dotnet.gc.collections"));
        Assert.Equal(200, LimitOf("Microsoft.AspNetCore.Server.Kestrel", "kestrel.connection.duration"));
        Assert.Equal(200, LimitOf("Microsoft.AspNetCore.Routing", "aspnetcore.routing.match_attempts"));
    }

    [Fact]
    public void OursAndTheRequestsCallersShapeKeepTheDefault()
    {
        Assert.Null(LimitOf(RemediatorTelemetry.Name, "etcd_remediator_member_advisory"));
        Assert.Null(LimitOf("Microsoft.AspNetCore.Hosting", "http.server.request.duration"));
    }
}
