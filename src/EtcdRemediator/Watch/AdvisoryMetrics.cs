using System.Diagnostics.Metrics;
using EtcdRemediator.Advisories;
using EtcdRemediator.Configuration;
using EtcdRemediator.Observability;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Watch;

/// <summary>
/// <c>etcd_remediator_member_advisory</c>: 1 per member of the watch's latest reading and advisory
/// that covers its etcd release, with <c>accepted</c> saying whether the cluster's configuration
/// accepts it (an unaccepted one refuses unforced defrags of that member).
/// </summary>
internal sealed class AdvisoryMetrics(IMeterFactory meters, WatchReadings readings, IOptions<RemediatorOptions> options) : IHostedService
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000",
        Justification = "A meter from IMeterFactory belongs to the factory, which disposes it with the host.")]
    public Task StartAsync(CancellationToken cancellationToken)
    {
        meters.Create(RemediatorTelemetry.Name).CreateObservableGauge("etcd_remediator_member_advisory", () => readings.All.SelectMany(r =>
                r.State.Members.Where(m => m.Reachable).SelectMany(m =>
                    MemberAdvisories.Of(m.Status!.Version, options.Value.AcceptedFor(r.State.Cluster))
                        .Select(a => new Measurement<int>(1,
                            new("cluster", r.State.Cluster), new("member", m.Member.Name), new("member_id", m.Member.HexId),
                            new("advisory", a.Id), new("accepted", a.Accepted ? "true" : "false"))))),
            description: "1 per etcd advisory (a known defrag defect of the member's release) covering the member, as the watch last read it");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
