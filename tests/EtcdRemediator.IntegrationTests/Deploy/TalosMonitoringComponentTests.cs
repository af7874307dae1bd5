using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// The Talos overlay applies on a bare Talos cluster (no Prometheus Operator, common in homelabs):
/// its monitoring objects come only with the monitoring component, which the user adds.
/// </summary>
public sealed class TalosMonitoringComponentTests
{
    /// <summary>
    /// API groups every Kubernetes cluster serves, and talos.dev, whose ServiceAccount Talos itself
    /// installs once the machine config allows Talos API access (the overlay's precondition).
    /// </summary>
    private static readonly HashSet<string> BuiltIn = ["v1", "apps/v1", "rbac.authorization.k8s.io/v1", "networking.k8s.io/v1",
        "batch/v1", "policy/v1", "talos.dev/v1alpha1"];

    [Fact]
    public async Task WithoutTheMonitoringComponentNoObjectNeedsACustomResourceDefinitionBeyondTalosOwn()
    {
        var manifests = await RenderAsync("overlays/talos");

        Assert.All(manifests.Objects, o => Assert.True(BuiltIn.Contains(Str(o, "apiVersion")!),
            $"{Str(o, "kind")} {Str(o, "metadata", "name")} ({Str(o, "apiVersion")}) needs a CRD"));
        // The watch and the schedules run either way: they need no Prometheus.
        var config = ManifestOptions.Bind(manifests);
        Assert.True(config.Watch.Remediate);
        Assert.NotEmpty(Assert.Single(config.Clusters).Schedules);
    }

    [Fact]
    public async Task WithTheMonitoringComponentTheRulesTheScrapeAndTheAlertRouteAreAdded()
    {
        var plain = await RenderAsync("overlays/talos");
        var monitored = await RenderWithMonitoringAsync("overlays/talos");

        var added = monitored.Objects.Select(o => $"{Str(o, "kind")}/{Str(o, "metadata", "name")}")
            .Except(plain.Objects.Select(o => $"{Str(o, "kind")}/{Str(o, "metadata", "name")}")).Order();
        Assert.Equal(["AlertmanagerConfig/etcd-remediator", "PrometheusRule/etcd-remediator-etcd", "PrometheusRule/etcd-remediator-remediator",
            "PrometheusRule/etcd-remediator-watch", "ServiceMonitor/etcd-remediator"], added);
        Assert.All(monitored.Objects, o => Assert.Equal("etcd-remediator", Str(o, "metadata", "namespace") ?? "etcd-remediator"));
    }
}
