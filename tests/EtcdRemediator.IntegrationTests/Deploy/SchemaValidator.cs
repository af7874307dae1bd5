namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// tests/kubernetes/validate.mjs, the Kubernetes and Prometheus Operator schemas' check, as one node process for the whole
/// test run (its --each-line mode): loading the schemas cost two CPU-seconds per call and a run makes ten. Each rendered
/// kustomization goes to a file of its own and its path on a line; the answer is validate.mjs' own lines, then "exit N"
/// and "end PATH". A process that ended, broke off or took too long is killed and the next call starts a new one; the
/// last ends when the test host does (its stdin closes) and is killed on the host's exit in any case.
/// </summary>
internal static class SchemaValidator
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);
    private static (Process Node, List<string> Errors)? _running;

    /// <summary>validate.mjs' exit code for <paramref name="manifests"/> (multi-document YAML) and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(string manifests)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{EtcdTestCluster.TempPrefix}schemas-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifests);
        await OneAtATime.WaitAsync();
        try
        {
            return await AskAsync(file);
        }
        finally
        {
            OneAtATime.Release();
            File.Delete(file);
        }
    }

    /// <summary>One file's answer from the running process (started here when there is none).</summary>
    private static async Task<(int ExitCode, string Output)> AskAsync(string file)
    {
        var (node, errors) = _running ??= Start();
        var lines = new List<string>();
        try
        {
            await node.StandardInput.WriteLineAsync(file);
            await node.StandardInput.FlushAsync();
            while (await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)) is { } line && line != $"end {file}")
                lines.Add(line);
            if (lines.Count > 0 && lines[^1].StartsWith("exit ", StringComparison.Ordinal))
                return (int.Parse(lines[^1][5..], System.Globalization.CultureInfo.InvariantCulture), string.Join('\n', lines[..^1]));
            Stop(node);
            lock (errors) return (-1, string.Join('\n', [.. lines, "validate.mjs ended without an answer:", .. errors]));
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
        {
            Stop(node);
            lock (errors) return (-1, string.Join('\n', [.. lines, $"validate.mjs: {e.Message}", .. errors]));
        }
    }

    private static void Stop(Process node)
    {
        _running = null;
        if (!node.HasExited) node.Kill(entireProcessTree: true);
        node.WaitForExit(); // its last stderr lines are in the errors list once it has exited
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
