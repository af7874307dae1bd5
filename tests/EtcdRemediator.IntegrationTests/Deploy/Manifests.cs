using System.Reflection;
using Xunit.Sdk;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>A kustomization of deploy/kubernetes rendered by `kubectl kustomize`, as YAML nodes.</summary>
public sealed class Manifests(string text, IReadOnlyList<YamlMappingNode> objects)
{
    public static readonly string[] Overlays = ["overlays/talos", "overlays/kubeadm", "overlays/external"];

    public string Text { get; } = text;
    public IReadOnlyList<YamlMappingNode> Objects { get; } = objects;

    /// <summary>
    /// kubectl's output per kustomization of the repository, rendered once per test run: the files do not change
    /// while the tests run, and the Deploy tests asked for the same few overlays 96 times (35 CPU seconds of kubectl).
    /// Each caller gets nodes of its own, parsed from the text.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> Rendered = new();

    public static Task<Manifests> RenderAsync(string kustomization) =>
        RenderOnceAsync(kustomization, () => KustomizeAsync(RepoFiles.Path("deploy", "kubernetes", kustomization)));

    private static async Task<Manifests> RenderOnceAsync(string key, Func<Task<string>> render) =>
        Parse(await Rendered.GetOrAdd(key, _ => new Lazy<Task<string>>(render)).Value);

    /// <summary>A kustomization anywhere, such as an edited copy of deploy/kubernetes.</summary>
    public static async Task<Manifests> RenderDirectoryAsync(string directory) => Parse(await KustomizeAsync(directory));

    private static async Task<string> KustomizeAsync(string directory)
    {
        var (exit, output) = await Tools.RunAsync("kubectl", "kustomize", directory);
        Assert.True(exit == 0, $"kubectl kustomize {directory}: {output}");
        return output;
    }

    private static Manifests Parse(string output)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        return new Manifests(output, [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)]);
    }

    /// <summary>
    /// A user's own kustomization on top of one of ours (docs/kubernetes.md's way to configure): its
    /// `resources` replaced by the path to <paramref name="ours"/>, the rest as given.
    /// </summary>
    /// <param name="withMonitoring">With the overlay's monitoring component too, where it has one (overlays/talos).</param>
    public static async Task<Manifests> RenderUserOverlayAsync(string ours, string userKustomization, bool withMonitoring = false)
    {
        var dir = Directory.CreateTempSubdirectory("etcdrem-it-user-overlay-").FullName;
        try
        {
            var kustomization = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(userKustomization);
            kustomization["resources"] = new[] { Path.GetRelativePath(dir, RepoFiles.Path("deploy", "kubernetes", ours)) };
            var component = RepoFiles.Path("deploy", "kubernetes", ours, "monitoring");
            if (withMonitoring && IsComponent(component))
                kustomization["components"] = new[] { Path.GetRelativePath(dir, component) };
            await File.WriteAllTextAsync(Path.Combine(dir, "kustomization.yaml"), new SerializerBuilder().Build().Serialize(kustomization));
            return await RenderDirectoryAsync(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// An overlay as a user with the Prometheus Operator renders it: with the overlay's monitoring
    /// component (overlays/talos/monitoring) in their own kustomization; an overlay without one as is.
    /// </summary>
    public static async Task<Manifests> RenderWithMonitoringAsync(string overlay) =>
        IsComponent(RepoFiles.Path("deploy", "kubernetes", overlay, "monitoring"))
            ? await RenderWithComponentsAsync(overlay, $"{overlay}/monitoring")
            : await RenderAsync(overlay);

    /// <summary>A user's own kustomization: <paramref name="overlay"/> with <paramref name="components"/> (paths under deploy/kubernetes).</summary>
    public static Task<Manifests> RenderWithComponentsAsync(string overlay, params string[] components) =>
        RenderOnceAsync($"{overlay} with {string.Join(", ", components)}", async () =>
        {
            var dir = Directory.CreateTempSubdirectory("etcdrem-it-user-overlay-").FullName;
            try
            {
                string Relative(string path) => Path.GetRelativePath(dir, RepoFiles.Path("deploy", "kubernetes", path));
                await File.WriteAllTextAsync(Path.Combine(dir, "kustomization.yaml"),
                    $"resources:\n  - {Relative(overlay)}\ncomponents:\n{string.Concat(components.Select(c => $"  - {Relative(c)}\n"))}");
                return await KustomizeAsync(dir);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        });

    /// <summary>A kustomize Component (not a kustomization of its own, as deploy/kubernetes/monitoring is).</summary>
    private static bool IsComponent(string directory) =>
        File.Exists(Path.Combine(directory, "kustomization.yaml"))
        && File.ReadAllText(Path.Combine(directory, "kustomization.yaml")).Contains("kind: Component", StringComparison.Ordinal);

    public YamlMappingNode Single(string kind) => Assert.Single(Objects, o => Str(o, "kind") == kind);

    public IEnumerable<YamlMappingNode> All(string kind) => Objects.Where(o => Str(o, "kind") == kind);

    /// <summary>The node at a path of mapping keys and sequence indexes, e.g. ("spec", "template", "spec").</summary>
    public static YamlNode? At(YamlNode node, params object[] path)
    {
        YamlNode? current = node;
        foreach (var step in path)
            current = (current, step) switch
            {
                (YamlMappingNode m, string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var next) ? next : null,
                (YamlSequenceNode s, int i) => i < s.Children.Count ? s.Children[i] : null,
                _ => null,
            };
        return current;
    }

    public static string? Str(YamlNode node, params object[] path) => (At(node, path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(YamlNode node, params object[] path) =>
        At(node, path) is YamlSequenceNode s ? s.Children : [];
}

/// <summary>A theory's data: each of <see cref="Manifests.Overlays"/>, the kustomizations a user applies alone.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class EachOverlayAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => Manifests.Overlays.Select(o => new object[] { o });
}
