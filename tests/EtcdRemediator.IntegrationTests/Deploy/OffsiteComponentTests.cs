using System.Text.RegularExpressions;
using EtcdRemediator.Snapshots.Offsite;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// deploy/kubernetes/components/offsite on top of each overlay, as docs/kubernetes.md adds it: the S3 key pair and the
/// age recipients come from the Secret the docs' command makes, the service's own start-up check takes the settings,
/// and the NetworkPolicy lets out the bucket's port besides the overlay's own.
/// </summary>
public sealed partial class OffsiteComponentTests
{
    private const string Component = "components/offsite";

    public static TheoryData<string> OverlayNames => [.. Overlays];

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public async Task WithTheComponentEveryObjectStillValidatesAgainstTheSchemas(string overlay)
    {
        var manifests = await RenderWithComponentsAsync(overlay, Component);

        var (exit, output) = await SchemaValidator.ValidateAsync(manifests.Text);

        Assert.True(exit == 0, output);
        Assert.Contains($"{manifests.Objects.Count} objects, 0 invalid", output);
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public async Task TheKeyPairAndTheRecipientsComeFromTheDocumentedSecretAndTheStartUpCheckTakesThem(string overlay)
    {
        var manifests = await RenderWithComponentsAsync(overlay, Component);
        var offsite = ManifestOptions.Bind(manifests).Snapshots.Offsite;
        var (secret, keys) = DocumentedSecret(await File.ReadAllTextAsync(RepoFiles.Path("docs", "kubernetes.md")));
        var pod = At(manifests.Single("Deployment"), "spec", "template", "spec")!;
        var volume = Assert.Single(Items(pod, "volumes"), v => Str(v, "secret", "secretName") == secret);
        var mount = Assert.Single(Items(pod, "containers", 0, "volumeMounts"), m => Str(m, "name") == Str(volume, "name"));
        Assert.Null(At(mount, "subPath")); // a Secret by subPath is never refreshed: a rotated key pair would not be read
        Assert.Equal("true", Str(mount, "readOnly"));

        // Each file the settings name is a key of that Secret, in its mount.
        string[] files = [offsite.AccessKeyIdFile!, offsite.SecretAccessKeyFile!, offsite.AgeRecipientsFile!];
        Assert.All(files, f => Assert.Equal(Str(mount, "mountPath"), Path.GetDirectoryName(f)));
        Assert.All(files, f => Assert.Contains(Path.GetFileName(f), keys));

        // The Secret as the docs make it, where the pod finds it: the service's start-up check takes the settings.
        var folder = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "offsite-secret-").FullName;
        try
        {
            var identity = Path.Combine(folder, "key.txt");
            var recipient = await Tools.NewAgeKeyAsync(identity);
            foreach (var key in keys)
                await File.WriteAllTextAsync(Path.Combine(folder, key), key.EndsWith(".txt", StringComparison.Ordinal)
                    ? $"# on-call\n{recipient}\n" : "not-a-real-key\n");
            string There(string file) => Path.Combine(folder, Path.GetFileName(file));
            var mounted = offsite with
            {
                AccessKeyIdFile = There(offsite.AccessKeyIdFile!),
                SecretAccessKeyFile = There(offsite.SecretAccessKeyFile!),
                AgeRecipientsFile = There(offsite.AgeRecipientsFile!),
            };
            Assert.Empty(OffsiteCheck.Errors(mounted, "Remediator:Snapshots:Offsite"));
            Assert.Equal([recipient], OffsiteCheck.Recipients(mounted).Select(r => r.Text));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public async Task TheNetworkPolicyLetsOutTheBucketsPortBesidesTheOverlaysOwnAndNothingElse(string overlay)
    {
        var plain = await RenderAsync(overlay);
        var withCopies = await RenderWithComponentsAsync(overlay, Component);

        Assert.Equal([.. Egress(plain), "443/TCP"], Egress(withCopies));
        // Without the component, no copies: the overlays work without a bucket.
        Assert.Null(At(plain.Single("ConfigMap"), "data", "Remediator__Snapshots__Offsite__Bucket"));
    }

    /// <summary>Each egress rule as its ports ("443/TCP"), in order: a rule without ports would let everything out.</summary>
    private static List<string> Egress(Manifests manifests) =>
        [.. Items(manifests.Single("NetworkPolicy"), "spec", "egress").Select(r =>
            string.Join(",", Items(r, "ports").Select(p => $"{Str(p, "port")}/{Str(p, "protocol") ?? "TCP"}")))];

    /// <summary>The docs' `kubectl create secret` for the off-site copies: its Secret, and the keys it makes.</summary>
    private static (string Secret, HashSet<string> Keys) DocumentedSecret(string docs)
    {
        var command = Assert.Single(CreateSecret().Matches(docs.Replace("\\\n", " ", StringComparison.Ordinal)));
        return (command.Groups["secret"].Value,
            [.. FromFile().Matches(command.Value).Select(m => m.Groups["key"].Value)]);
    }

    [GeneratedRegex(@"kubectl -n etcd-remediator create secret generic (?<secret>etcd-remediator-offsite)\b[^\n]*")]
    private static partial Regex CreateSecret();

    [GeneratedRegex(@"--from-file=(?<key>[^=\s]+)=")]
    private static partial Regex FromFile();
}
