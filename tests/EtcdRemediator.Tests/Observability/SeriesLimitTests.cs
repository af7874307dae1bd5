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
    [Theory]
    [InlineData("System.Runtime", "dotnet.gc.collections")]
    [InlineData("Microsoft.AspNetCore.Server.Kestrel", "kestrel.connection.duration")]
    [InlineData("Microsoft.AspNetCore.Routing", "aspnetcore.routing.match_attempts")]
    public void TheRuntimesAndFrameworksOwnInstrumentsKeepTwoHundred(string meterName, string instrument)
    {
        using var meter = new Meter(meterName);
        Assert.Equal(200, ObservabilityExtensions.SeriesLimit(meter.CreateCounter<long>(instrument))?.CardinalityLimit);
    }

    [Theory]
    [InlineData(RemediatorTelemetry.Name, "etcd_remediator_member_advisory")]
    [InlineData("Microsoft.AspNetCore.Hosting", "http.server.request.duration")]
    public void OursAndTheRequestsCallersShapeKeepTheDefault(string meterName, string instrument)
    {
        using var meter = new Meter(meterName);
        Assert.Null(ObservabilityExtensions.SeriesLimit(meter.CreateCounter<long>(instrument)));
    }
}
