namespace EtcdRemediator.IntegrationTests.EndToEnd;

/// <summary>One instruction of a Dockerfile: its keyword (upper case) and the rest of its logical line.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments)
{
    /// <summary>An exec-form argument list (ENTRYPOINT, CMD, HEALTHCHECK's CMD): ["a", "b"].</summary>
    public string[] ExecForm()
    {
        var json = Arguments[Arguments.IndexOf('[', StringComparison.Ordinal)..];
        return JsonSerializer.Deserialize<string[]>(json)!;
    }

    /// <summary>ENV key=value pairs (values without spaces or quotes, as ours are written).</summary>
    public IEnumerable<KeyValuePair<string, string>> EnvPairs() =>
        Arguments.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(kv => KeyValuePair.Create(kv[0], kv[1]));
}

/// <summary>A Dockerfile's stages, each the instructions after its FROM, continuation lines joined, comments left out.</summary>
public sealed record DockerfileStages(IReadOnlyList<(string Name, IReadOnlyList<DockerInstruction> Instructions)> Stages)
{
    public static DockerfileStages Parse(string text)
    {
        var logical = new List<string>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)) continue;
            if (line.EndsWith('\\')) { current += line[..^1] + " "; continue; }
            logical.Add((current + line).Trim());
            current = "";
        }
        var stages = new List<(string, IReadOnlyList<DockerInstruction>)>();
        foreach (var instruction in logical.Select(l => l.Split(' ', 2)).Select(p => new DockerInstruction(p[0].ToUpperInvariant(), p.Length > 1 ? p[1].Trim() : "")))
        {
            if (instruction.Keyword == "FROM")
                stages.Add((instruction.Arguments.Split(" AS ", StringSplitOptions.TrimEntries) is [_, var name] ? name : $"stage{stages.Count}", new List<DockerInstruction>()));
            else if (stages.Count > 0)
                ((List<DockerInstruction>)stages[^1].Item2).Add(instruction);
        }
        return new DockerfileStages(stages);
    }

    public IReadOnlyList<DockerInstruction> Stage(string name) => Assert.Single(Stages, s => s.Name == name).Instructions;
}
