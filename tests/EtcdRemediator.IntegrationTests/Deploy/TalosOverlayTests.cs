using EtcdRemediator.Calendar;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Talos;
using EtcdRemediator.Startup;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// deploy/kubernetes/overlays/talos as a Talos homelab applies it: no Prometheus scraping etcd, so
/// the service watches and remediates by itself, defragments weekly and snapshots daily, and reads
/// the talosconfig Talos writes into the Secret of its talos.dev ServiceAccount.
/// </summary>
public sealed class TalosOverlayTests
{
    private const string Overlay = "overlays/talos";

    [Fact]
    public async Task ItsDefaultsAreTheWatchWithRemediationAWeeklyDefragAndADailySnapshotAndTheConfigurationCheckAcceptsThem()
    {
        var manifests = await RenderAsync(Overlay);
        var options = ManifestOptions.Bind(manifests);

        var cluster = Assert.Single(options.Clusters);
        Assert.Equal("Talos", cluster.Backend);
        // The watch reads every member each minute and starts runs itself: no alert needed.
        Assert.Equal(TimeSpan.FromMinutes(1), options.Watch.Interval);
        Assert.True(options.Watch.Remediate);
        // os:operator may not move leadership: the leader is defragmented in place, last.
        Assert.False(options.Policy.MoveLeader);
        Assert.Equal(2, cluster.Schedules.Count);
        var defrag = Assert.Single(cluster.Schedules, s => s.Action == "defrag");
        var snapshot = Assert.Single(cluster.Schedules, s => s.Action == "snapshot");
        Assert.Equal(TimeSpan.FromDays(7), Period(defrag));
        Assert.Equal(TimeSpan.FromDays(1), Period(snapshot));

        // The service's own start-up check accepts the whole configuration. The files only the pod
        // has (the talosconfig and the tokens, from Secrets) stand in: an empty talosconfig (reading
        // it is the Talos backend's tests' business) and tokens as docs/kubernetes.md makes them (openssl rand -hex 32).
        var files = Directory.CreateTempSubdirectory("etcdrem-it-talos-overlay-").FullName;
        try
        {
            string StandIn(string path, string content = "")
            {
                var file = Path.Combine(files, Path.GetFileName(path));
                File.WriteAllText(file, content);
                return file;
            }
            string Token() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n";
            var inPod = options with
            {
                Clusters = [cluster with { Section = new ConfigurationBuilder().AddConfiguration(cluster.Section)
                    .AddInMemoryCollection([KeyValuePair.Create("Talos:ConfigFile", (string?)StandIn(TalosOptions.Of(cluster).ConfigFile!))]).Build() }],
                Auth = options.Auth with { WebhookTokensFile = StandIn(options.Auth.WebhookTokensFile!, Token()),
                    OperatorTokensFile = StandIn(options.Auth.OperatorTokensFile!, Token()),
                    MetricsTokensFile = StandIn(options.Auth.MetricsTokensFile!, Token()) },
            };
            Assert.Empty(RemediatorOptionsValidator.Collect(inPod, _ => null!));
        }
        finally
        {
            Directory.Delete(files, recursive: true);
        }
    }

    /// <summary>Talos writes the talosconfig into the Secret named after its ServiceAccount, key `config`, in the ServiceAccount's namespace.</summary>
    [Fact]
    public async Task TheTalosConfigIsReadWhereTheDeploymentMountsTheSecretOfTheTalosServiceAccount()
    {
        var manifests = await RenderAsync(Overlay);
        var account = Assert.Single(manifests.Objects, o => Str(o, "apiVersion") == "talos.dev/v1alpha1" && Str(o, "kind") == "ServiceAccount");
        var deployment = manifests.Single("Deployment");
        var pod = At(deployment, "spec", "template", "spec")!;
        var configFile = Str(manifests.Single("ConfigMap"), "data", "Remediator__Clusters__0__Talos__ConfigFile")!;

        Assert.Equal(Str(deployment, "metadata", "namespace"), Str(account, "metadata", "namespace"));
        var volume = Assert.Single(Items(pod, "volumes"), v => Str(v, "secret", "secretName") == Str(account, "metadata", "name"));
        Assert.Empty(Items(volume, "secret", "items"));
        var mount = Assert.Single(Items(pod, "containers", 0, "volumeMounts"), m => Str(m, "name") == Str(volume, "name"));
        Assert.Equal(Path.Combine(Str(mount, "mountPath")!, "config"), configFile);
        // The same roles as the machine-config patch allows for the namespace.
        var patch = new YamlStream();
        patch.Load(new StringReader(await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "overlays", "talos", "machine-config-patch.yaml"))));
        var access = At(patch.Documents[0].RootNode, "machine", "features", "kubernetesTalosAPIAccess")!;
        Assert.Equal("true", Str(access, "enabled"));
        Assert.Contains(Str(account, "metadata", "namespace"), Items(access, "allowedKubernetesNamespaces").Select(n => n.ToString()));
        Assert.All(Items(account, "spec", "roles"), role => Assert.Contains(role.ToString(), Items(access, "allowedRoles").Select(n => n.ToString())));
        // It leaves etcd's metrics alone: no plain-HTTP listener on every interface (the watch reads etcd instead).
        Assert.Null(At(patch.Documents[0].RootNode, "cluster", "etcd", "extraArgs", "listen-metrics-urls"));
        Assert.DoesNotContain("0.0.0.0", patch.Documents[0].RootNode.ToString());
    }

    /// <summary>
    /// Talos ships no StorageClass: the overlay leaves the claim to the cluster's default class and
    /// carries the patch that names one, commented; uncommented as the comment says, it sets the class.
    /// </summary>
    [Fact]
    public async Task TheStorageClassHintUncommentedNamesTheClassOfTheDataVolume()
    {
        var asShipped = await RenderAsync(Overlay);
        Assert.Null(Str(asShipped.Single("PersistentVolumeClaim"), "spec", "storageClassName"));

        var copy = Directory.CreateTempSubdirectory("etcdrem-it-talos-storage-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(RepoFiles.Path("deploy", "kubernetes"), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(RepoFiles.Path("deploy", "kubernetes"), file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var kustomization = Path.Combine(copy, "overlays", "talos", "kustomization.yaml");
            var text = await File.ReadAllTextAsync(kustomization);
            const string hint = "  # - path: storage-class.yaml\n";
            Assert.Contains(hint, text);
            await File.WriteAllTextAsync(kustomization, text.Replace(hint, "  - path: storage-class.yaml\n", StringComparison.Ordinal));

            var edited = await RenderDirectoryAsync(Path.Combine(copy, "overlays", "talos"));
            var claim = edited.Single("PersistentVolumeClaim");
            Assert.Equal("local-path", Str(claim, "spec", "storageClassName"));
            Assert.Equal(Str(asShipped.Single("PersistentVolumeClaim"), "spec", "resources", "requests", "storage"), Str(claim, "spec", "resources", "requests", "storage"));
            Assert.Equal(asShipped.Objects.Count, edited.Objects.Count);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>The time between two consecutive runs of a schedule.</summary>
    private static TimeSpan Period(ScheduleOptions schedule)
    {
        var cron = CronSchedule.Parse(schedule.Cron, schedule.TimeZone);
        var first = cron.NextAfter(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero))!.Value;
        return cron.NextAfter(first)!.Value - first;
    }
}
