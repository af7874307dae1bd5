using System.Text.RegularExpressions;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// kube-prometheus-stack selects ServiceMonitors, PrometheusRules and AlertmanagerConfigs by its Helm
/// release label: ours is written once (the component monitoring/release), and the user kustomization
/// docs/kubernetes.md shows changes it on every monitoring object and on nothing else.
/// </summary>
public sealed partial class ReleaseLabelTests
{
    public static TheoryData<string> WithMonitoring => ["monitoring", "monitoring/watch", "monitoring/etcd-mixin", .. Overlays];

    [Fact]
    public void TheReleaseLabelIsWrittenInOneFile()
    {
        var root = RepoFiles.Path("deploy", "kubernetes");
        var files = Directory.GetFiles(root, "*.yaml", SearchOption.AllDirectories)
            .Where(f => File.ReadLines(f).Any(l => ReleaseLabel().IsMatch(l)))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'));

        Assert.Equal(["monitoring/release/kustomization.yaml"], files);
    }

    [Theory]
    [MemberData(nameof(WithMonitoring))]
    public async Task TheDocumentedKustomizationSetsTheReleaseOfEveryMonitoringObjectAndNothingElse(string ours)
    {
        var shipped = await RenderWithMonitoringAsync(ours);
        Assert.NotEmpty(MonitoringObjects(shipped));
        Assert.All(MonitoringObjects(shipped), o => Assert.Equal("kube-prometheus-stack", Str(o, "metadata", "labels", "release")));

        var page = await File.ReadAllTextAsync(RepoFiles.Path("docs", "kubernetes.md"));
        var block = UserKustomization().Match(page);
        Assert.True(block.Success, "docs/kubernetes.md has no ```yaml block starting with # my-etcd-remediator/kustomization.yaml");
        var release = ReleaseValue().Match(block.Value).Groups[1].Value;
        Assert.NotEqual("", release);
        var manifests = await RenderUserOverlayAsync(ours, block.Groups[1].Value, withMonitoring: true);

        Assert.Equal(MonitoringObjects(shipped).Count(), MonitoringObjects(manifests).Count());
        Assert.All(manifests.Objects, o => Assert.True(
            Str(o, "metadata", "labels", "release") == (Str(o, "apiVersion")!.StartsWith("monitoring.coreos.com/", StringComparison.Ordinal) ? release : null),
            $"{Str(o, "kind")} {Str(o, "metadata", "name")} has release '{Str(o, "metadata", "labels", "release")}'"));
    }

    private static IEnumerable<YamlDotNet.RepresentationModel.YamlMappingNode> MonitoringObjects(Manifests m) =>
        m.Objects.Where(o => Str(o, "apiVersion")!.StartsWith("monitoring.coreos.com/", StringComparison.Ordinal));

    [GeneratedRegex(@"^\s*release:\s*\S")]
    private static partial Regex ReleaseLabel();

    [GeneratedRegex(@"```yaml\n(# my-etcd-remediator/kustomization\.yaml.*?)```", RegexOptions.Singleline)]
    private static partial Regex UserKustomization();

    [GeneratedRegex(@"path: /metadata/labels/release\s+value: (\S+)")]
    private static partial Regex ReleaseValue();
}
