using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// .github/workflows/release.yml: actionlint accepts it, and it tests before it pushes the image of
/// both platforms, built from docker/Dockerfile, under the reference docs/kubernetes.md and the manifests name.
/// </summary>
public sealed class ReleaseWorkflowTests
{
    private static readonly string Workflow = RepoFiles.Path(".github", "workflows", "release.yml");

    [Fact]
    public async Task ActionlintAcceptsTheWorkflows()
    {
        var linter = RepoFiles.Path("tests", "workflows", "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");
        Assert.True(File.Exists(linter), "npm ci --prefix tests/workflows first (scripts/test.sh does)");

        var (exit, output) = await Tools.RunAsync("node", linter, Path.Combine(Path.GetDirectoryName(Workflow)!, "*.yml"));

        Assert.True(exit == 0, output);
        Assert.Contains("All workflow files passed", output);
    }

    [Fact]
    public async Task ItTestsThenPushesBothPlatformsFromTheDockerfileUnderTheDocumentedReference()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(await File.ReadAllTextAsync(Workflow)));
        var workflow = stream.Documents[0].RootNode;
        var steps = ((YamlMappingNode)At(workflow, "jobs")!).Children.ToDictionary(j => j.Key.ToString(), j => Items(j.Value, "steps").ToList());

        Assert.Contains("published", Items(workflow, "on", "release", "types").Select(t => t.ToString()));
        Assert.Contains(steps["test"], s => Str(s, "run") == "scripts/test.sh");
        Assert.Equal("test", Str(workflow, "jobs", "image", "needs"));
        // Every action pinned by commit.
        Assert.All(steps.Values.SelectMany(s => s).Select(s => Str(s, "uses")).OfType<string>(), uses => Assert.Matches(@"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$", uses));

        var build = Assert.Single(steps["image"], s => Str(s, "uses")?.StartsWith("docker/build-push-action@", StringComparison.Ordinal) == true);
        Assert.Equal("docker/Dockerfile", Str(build, "with", "file"));
        Assert.Equal(["linux/amd64", "linux/arm64"], Str(build, "with", "platforms")!.Split(',').Order());
        Assert.Equal("true", Str(build, "with", "push"));
        Assert.Equal("${{ steps.ref.outputs.image }}:${{ steps.ref.outputs.version }}", Str(build, "with", "tags"));

        // The reference: ghcr.io/<owner>/etcd-remediator, as docs/kubernetes.md and the base kustomization name it.
        var reference = Assert.Single(steps["image"], s => Str(s, "id") == "ref");
        Assert.Contains("echo \"image=ghcr.io/${GITHUB_REPOSITORY_OWNER,,}/etcd-remediator\"", Str(reference, "run"));
        Assert.Contains("ghcr.io/<owner>/etcd-remediator", await File.ReadAllTextAsync(RepoFiles.Path("docs", "kubernetes.md")));
        Assert.Contains("ghcr.io/<owner>/etcd-remediator", await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "base", "kustomization.yaml")));
        Assert.Matches(new Regex(@"^FROM --platform=\$BUILDPLATFORM \S+ AS build$", RegexOptions.Multiline), await File.ReadAllTextAsync(RepoFiles.Path("docker", "Dockerfile")));
    }
}
