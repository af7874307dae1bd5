using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace EtcdRemediator.IntegrationTests.Alerts;

/// <summary>
/// A property of the webhook over the shape of Alertmanager's payload: whatever one value of a valid delivery is
/// replaced by (null, a wrong type, a huge array, deep nesting, terminal escapes), the answer is never a 5xx, a
/// 400 names where the replaced value is, and every refusal is audited. Alertmanager drops a 4xx for good and
/// retries a 5xx forever: what can never be valid must be a 400 that says why, and nothing else may be.
/// </summary>
public sealed class PayloadShapeTests : IAsyncLifetime
{
    private RemediatorApp _app = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        var settings = RemediatorApp.ForUnreachableCluster();
        // What is tested is the parser and the validator on every payload, not the limit that would turn most away first.
        settings["Remediator:Alerts:MaxDeliveriesPerSecond"] = "0";
        _app = new RemediatorApp(settings);
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>What replaces one value, as JSON text: the deep ones could not be built as a JsonNode (its depth is 64).</summary>
    private static readonly Dictionary<string, string> Replacements = new()
    {
        ["null"] = "null",
        ["number"] = "7",
        ["bool"] = "true",
        ["string"] = "\"x\"",
        ["escapes"] = JsonSerializer.Serialize("\u001b]0;pwned\u0007\u001b[2K\r\u009b"),
        ["empty object"] = "{}",
        ["nulls, 20,000"] = $"[{string.Join(',', Enumerable.Repeat("null", 20_000))}]",
        ["objects, 5,000"] = $"[{string.Join(',', Enumerable.Repeat("{}", 5_000))}]",
        ["string of 200 KB"] = $"\"{new string('s', 200_000)}\"",
        ["arrays 3,000 deep"] = new string('[', 3_000) + new string(']', 3_000),
        ["objects 1,000 deep"] = string.Concat(Enumerable.Repeat("{\"a\":", 1_000)) + "1" + new string('}', 1_000),
    };

    [Fact]
    public async Task AnyValueOfADeliveryReplacedByAnyShapeIsNeverA5xxAndA400NamesWhereItIs()
    {
        // "Watchdog" routes nowhere: a delivery that passes is recorded and starts nothing.
        var valid = JsonNode.Parse(Payloads.Delivery(Payloads.Alert("Watchdog", instance: "m1")))!;
        var cases = (from path in Paths(valid, []) from replacement in Replacements select (path, replacement)).ToList();
        var answers = new ConcurrentBag<(string Path, string Replacement, HttpStatusCode Status, string Body)>();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, ct) =>
        {
            using var response = await _client.PostAsync("/api/v1/alerts",
                new StringContent(Replace(valid, c.path, c.replacement.Value), Encoding.UTF8, "application/json"), ct);
            answers.Add((Name(c.path), c.replacement.Key, response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
        });

        Assert.InRange(answers.Count, 200, 400); // the suite stays fast
        var failures = answers.Where(a => (int)a.Status >= 500
                || a.Status is not (HttpStatusCode.Accepted or HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest
                    or HttpStatusCode.RequestEntityTooLarge)
                || (a.Status == HttpStatusCode.BadRequest && !NamesThePath(a.Body, a.Path)))
            .Select(a => $"{a.Path} <- {a.Replacement}: {(int)a.Status} {a.Body[..Math.Min(a.Body.Length, 300)]}").ToList();
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Contains(answers, a => a is { Path: "alerts[0]", Replacement: "null", Status: HttpStatusCode.BadRequest });
        var refused = answers.Count(a => a.Status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge);
        using var audit = JsonDocument.Parse(await _client.GetStringAsync("/api/v1/alerts?limit=500"));
        Assert.Equal(refused, audit.RootElement.EnumerateArray().Count(e => e.GetProperty("statusCode").GetInt32() is 400 or 413));
    }

    /// <summary>A 400 names the replaced value, a part of it (alerts[0].labels.job[0]) or what holds it (alerts[0].labels).</summary>
    private static bool NamesThePath(string body, string path)
    {
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.GetProperty("errors").EnumerateObject()
            .Any(e => e.Name == path || e.Name.StartsWith(path + ".", StringComparison.Ordinal) || e.Name.StartsWith(path + "[", StringComparison.Ordinal)
                || path.StartsWith(e.Name + ".", StringComparison.Ordinal) || path.StartsWith(e.Name + "[", StringComparison.Ordinal));
    }

    /// <summary>Every value of the tree, containers too, as the steps from the root (property names and indexes).</summary>
    private static IEnumerable<object[]> Paths(JsonNode node, object[] at)
    {
        IEnumerable<(object Step, JsonNode? Child)> children = node switch
        {
            JsonObject o => o.Select(p => ((object)p.Key, p.Value)),
            JsonArray a => a.Select((v, i) => ((object)i, v)),
            _ => [],
        };
        foreach (var (step, child) in children)
        {
            object[] path = [.. at, step];
            yield return path;
            if (child is not null)
                foreach (var inner in Paths(child, path)) yield return inner;
        }
    }

    /// <summary>The delivery with the value at <paramref name="path"/> replaced by <paramref name="json"/>, as text.</summary>
    private static string Replace(JsonNode valid, object[] path, string json)
    {
        const string mark = "\"@replaced@\"";
        var copy = valid.DeepClone();
        var parent = path[..^1].Aggregate(copy, (n, step) => step is int i ? n[i]! : n[(string)step]!);
        if (path[^1] is int index) parent[index] = JsonValue.Create("@replaced@");
        else parent[(string)path[^1]] = JsonValue.Create("@replaced@");
        return copy.ToJsonString().Replace(mark, json, StringComparison.Ordinal);
    }

    /// <summary>As problem details name a field: alerts[0].labels.job.</summary>
    private static string Name(object[] path) =>
        string.Concat(path.Select((step, i) => step is int n ? $"[{n}]" : i == 0 ? (string)step : $".{step}"));
}
