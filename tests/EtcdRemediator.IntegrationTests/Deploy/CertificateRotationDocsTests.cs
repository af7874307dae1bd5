using System.Text.RegularExpressions;
using EtcdRemediator.Etcd.Channels;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// One statement on certificate rotation, in the docs (docs/kubernetes.md), that says what EtcdChannelPool does; the
/// overlays' comments agree with it; and the manifests let it work (no Secret mounted by subPath,
/// which Kubernetes never refreshes).
/// </summary>
public sealed partial class CertificateRotationDocsTests
{
    [Fact]
    public async Task TheDocsSayItOnceAsTheCodeDoesIt()
    {
        var docs = await RepoFiles.ReadAllDocsAsync();

        var statement = Assert.Single(Statement().Matches(docs)).Value;
        Assert.Equal(TimeSpan.FromSeconds(1), EtcdChannelPool.CheckInterval);
        Assert.Contains("at most\nonce a second", statement);
        Assert.Contains("SHA-256", statement);
        Assert.Contains("without a restart", statement);
        // Everywhere else, rotation points to it instead of saying it again (or otherwise).
        Assert.DoesNotMatch(@"(?i)(re-?reads?|watches) the (credential|talosconfig|mounted)", docs.Replace(statement, "", StringComparison.Ordinal));
    }

    /// <summary>Each overlay comment about renewing or rotating certificates names the statement and no restart to pick them up.</summary>
    [Fact]
    public void TheOverlaysCommentsAgree()
    {
        var files = Directory.GetFiles(RepoFiles.Path("deploy", "kubernetes", "overlays"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("renew", StringComparison.OrdinalIgnoreCase) || File.ReadAllText(f).Contains("rotat", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f =>
        {
            var text = File.ReadAllText(f);
            Assert.Contains("\"Certificate rotation\"", text);
            Assert.DoesNotMatch(@"(?i)(on|after a|needs a) restart", text);
        });
    }

    [Theory]
    [EachOverlay]
    public async Task NoSecretIsMountedBySubPath(string overlay)
    {
        var pod = At((await RenderAsync(overlay)).Single("Deployment"), "spec", "template", "spec")!;

        Assert.All(Items(pod, "containers").SelectMany(c => Items(c, "volumeMounts")), m => Assert.Null(At(m, "subPath")));
    }

    [GeneratedRegex(@"^## Certificate rotation\n\n.*?\n\n", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Statement();
}
