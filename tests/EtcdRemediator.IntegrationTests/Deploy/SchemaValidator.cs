namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// tests/kubernetes/validate.mjs, the Kubernetes and Prometheus Operator schemas' check, as one node process for the whole
/// test run (its --each-line mode): loading the schemas cost two CPU-seconds per call and a run makes ten. Each rendered
/// kustomization goes to a file of its own and its path on a line; the answer is validate.mjs' own lines, then "exit N"
/// and "end". The process ends when the test host does (its stdin closes) and is killed on the host's exit in any case.
/// </summary>
internal static class SchemaValidator
{
    private static readonly Lazy<(Process Node, List<string> Errors)> Node = new(Start);
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>validate.mjs' exit code for <paramref name="manifests"/> (multi-document YAML) and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(string manifests)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{EtcdTestCluster.TempPrefix}schemas-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifests);
        await OneAtATime.WaitAsync();
        try
        {
            var (node, errors) = Node.Value;
            await node.StandardInput.WriteLineAsync(file);
            await node.StandardInput.FlushAsync();
            var lines = new List<string>();
            while (await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)) is { } line && line != "end") lines.Add(line);
            var exit = lines.Count > 0 && lines[^1].StartsWith("exit ", StringComparison.Ordinal)
                ? int.Parse(lines[^1][5..], System.Globalization.CultureInfo.InvariantCulture)
                : -1; // the process ended or broke off: what it said on stderr goes with its lines
            lock (errors) return (exit, string.Join('\n', exit == -1 ? [.. lines, .. errors] : lines[..^1]));
        }
        finally
        {
            OneAtATime.Release();
            File.Delete(file);
        }
    }

    private static (Process, List<string>) Start()
    {
        var info = new ProcessStartInfo("node", [RepoFiles.Path("tests", "kubernetes", "validate.mjs"), "--each-line"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var node = Process.Start(info)!;
        var errors = new List<string>();
        node.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (errors) errors.Add(line); };
        node.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (!node.HasExited) node.Kill(entireProcessTree: true);
        };
        return (node, errors);
    }
}
