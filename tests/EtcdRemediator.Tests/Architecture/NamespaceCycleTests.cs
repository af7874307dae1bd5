using System.Text.RegularExpressions;

namespace EtcdRemediator.Tests.Architecture;

/// <summary>
/// The service's folders (one namespace each) depend on each other in one direction only: read from
/// the source, each file's namespace, its <c>using EtcdRemediator.X;</c> lines and qualified names
/// such as <c>Etcd.Talos.TalosConnection</c>.
/// </summary>
public sealed partial class NamespaceCycleTests
{
    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^using\s+(EtcdRemediator[\w.]*)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    private static string SourceRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EtcdRemediator.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "src", "EtcdRemediator");
    }

    /// <summary>namespace -> the project namespaces it uses.</summary>
    public static Dictionary<string, HashSet<string>> Dependencies()
    {
        var files = Directory.GetFiles(SourceRoot(), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => File.ReadAllText(f))
            .Select(text => (Namespace: NamespaceLine().Match(text) is { Success: true } m ? m.Groups[1].Value : "(Program)", Text: text))
            .ToList();
        var known = files.Select(f => f.Namespace).Where(n => n != "(Program)").ToHashSet();
        var graph = known.Append("(Program)").ToDictionary(n => n, _ => new HashSet<string>());
        foreach (var (ns, text) in files)
        {
            foreach (Match u in UsingLine().Matches(text))
                if (known.Contains(u.Groups[1].Value)) graph[ns].Add(u.Groups[1].Value);
            foreach (var other in known)
            {
                var relative = other["EtcdRemediator.".Length..];
                if (Regex.IsMatch(text, $@"(?<![\w.]){Regex.Escape(relative)}\.[A-Z]") || text.Contains(other + ".", StringComparison.Ordinal))
                    graph[ns].Add(other);
            }
            graph[ns].Remove(ns);
        }
        return graph;
    }

    [Fact]
    public void NoNamespaceDependsOnOneThatDependsOnIt()
    {
        var graph = Dependencies();
        bool Reaches(string from, string to, HashSet<string> seen) =>
            graph[from].Contains(to) || graph[from].Where(seen.Add).Any(next => Reaches(next, to, seen));

        var cycles = graph.SelectMany(kv => kv.Value.Where(b => Reaches(b, kv.Key, [])).Select(b => $"{kv.Key} -> {b}")).ToList();

        Assert.True(graph.Count > 10, $"found only {graph.Count} namespaces under {SourceRoot()}");
        Assert.Empty(cycles);
    }

    [Fact]
    public void ConfigurationAndStorageDependOnNoFeature()
    {
        var graph = Dependencies();

        Assert.Empty(graph["EtcdRemediator.Configuration"]);
        Assert.Equal(["EtcdRemediator.Configuration"], graph["EtcdRemediator.Storage"]);
    }
}
