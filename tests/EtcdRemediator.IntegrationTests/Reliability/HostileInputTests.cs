using System.Collections.Concurrent;
using System.Net.Http.Headers;
using EtcdRemediator.IntegrationTests.Alerts;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// 10,000 generated deliveries against the running service process: malformed JSON, wrong types,
/// deep nesting, huge strings and label maps, invalid UTF-8, wrong versions, missing fields,
/// oversized bodies. Goal: no 5xx, no crash, bounded memory, no secret in the log.
/// </summary>
public sealed class HostileInputTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Count = 2_000; // 10,000 took 85 s of every run; PayloadShapeTests now walks every position of the payload
    private const string WebhookToken = "webhook-secret-7f3a9c";
    private const string OperatorToken = "operator-secret-51be02";

    [Fact]
    public async Task TwoThousandHostilePayloadsGetFourHundredsNeverFiveHundreds()
    {
        var data = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "hostile-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "lab",
            ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
            ["Remediator:Auth:WebhookTokens:0"] = WebhookToken,
            ["Remediator:Auth:OperatorTokens:0"] = OperatorToken,
            // What is tested is the parser and the validator on every payload, not the limits that
            // would turn most of them away first (AbuseLimitTests has those).
            ["Remediator:Alerts:MaxDeliveriesPerSecond"] = "0",
            ["Remediator:Auth:MaxFailuresPerMinute"] = "0",
        });
        var random = new Random(20261124);
        var cases = Enumerable.Range(0, Count).Select(i => Generate(random, i)).ToList();
        var statuses = new ConcurrentDictionary<string, int>();
        var byKind = new ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = new ByteArrayContent(c.Body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", c.Token);
            using var response = await service.Client.SendAsync(request, ct);
            statuses.AddOrUpdate(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            byKind.AddOrUpdate($"{c.Kind} -> {(int)response.StatusCode}", 1, (_, n) => n + 1);
        });

        output.WriteLine($"{Count} payloads in {clock.Elapsed.TotalSeconds:0.0} s; answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x {s.Value}"))}");
        foreach (var kind in byKind.OrderBy(k => k.Key)) output.WriteLine($"  {kind.Key}: {kind.Value}");
        output.WriteLine($"peak RSS {service.PeakResidentBytes / 1024 / 1024} MiB");

        Assert.DoesNotContain(statuses.Keys, s => s.StartsWith('5'));
        Assert.Equal(Count, statuses.Values.Sum());
        Assert.False(service.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/healthz")).StatusCode);
        Assert.True(service.PeakResidentBytes < 512L * 1024 * 1024, $"peak RSS {service.PeakResidentBytes}");
        // Tokens never reach the log, whether they were right or wrong.
        Assert.DoesNotContain(WebhookToken, service.Output);
        Assert.DoesNotContain(OperatorToken, service.Output);
        Assert.DoesNotContain("not-a-token-", service.Output);
        await service.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }

    private sealed record Case(string Kind, byte[] Body, string ContentType, string Token);

    private static Case Generate(Random random, int i)
    {
        var valid = ValidPayloads.Valid(random);
        var kind = (i % 13) switch
        {
            0 => "truncated json",
            1 => "wrong types",
            2 => "deep nesting",
            3 => "huge string",
            4 => "huge label map",
            5 => "invalid utf-8",
            6 => "wrong version",
            7 => "missing fields",
            8 => "oversized body",
            9 => "wrong content type",
            10 => "wrong token",
            11 => "random bytes",
            _ => "valid",
        };
        byte[] body = kind switch
        {
            "truncated json" => Encoding.UTF8.GetBytes(valid[..random.Next(1, valid.Length - 1)]),
            "wrong types" => Encoding.UTF8.GetBytes(valid.Replace("\"version\":\"4\"", "\"version\":4").Replace("\"alerts\":[", random.Next(2) == 0 ? "\"alerts\":{\"x\":[" : "\"alerts\":[[")),
            "deep nesting" => Encoding.UTF8.GetBytes(new string('[', 5000 + random.Next(5000)) + new string(']', 10)),
            "huge string" => Encoding.UTF8.GetBytes(Payloads.Delivery(Payloads.Alert("x", extra: new() { ["blob"] = new string('x', random.Next(100_000, 900_000)) }))),
            "huge label map" => Encoding.UTF8.GetBytes(Payloads.Delivery(Payloads.Alert("x", extra: Enumerable.Range(0, 5000).ToDictionary(n => $"l{n}", n => "v")))),
            "invalid utf-8" => [.. Encoding.UTF8.GetBytes(valid[..20]), 0xC3, 0x28, 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(valid[20..])],
            "wrong version" => Encoding.UTF8.GetBytes(valid.Replace("\"version\":\"4\"", $"\"version\":\"{random.Next(0, 100)}\"")),
            "missing fields" => Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "{}", 1 => "{\"version\":\"4\"}", _ => "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{}]}" }),
            "oversized body" => Encoding.UTF8.GetBytes(Payloads.Delivery(Payloads.Alert("x", extra: new() { ["blob"] = new string('y', 1_200_000) }))),
            "random bytes" => [.. Enumerable.Range(0, random.Next(1, 4096)).Select(_ => (byte)random.Next(256))],
            _ => Encoding.UTF8.GetBytes(valid),
        };
        var contentType = kind == "wrong content type" ? "text/plain" : "application/json";
        var token = kind == "wrong token" ? $"not-a-token-{random.Next()}" : WebhookToken;
        return new Case(kind, body, contentType, token);
    }

    private static class ValidPayloads
    {
        private static readonly string[] Names = ["etcdDatabaseHighFragmentationRatio", "etcdNoSpaceAlarm", "etcdMembersDown", "Watchdog"];

        public static string Valid(Random random) => Payloads.Delivery(
            Payloads.Alert(Names[random.Next(Names.Length)], cluster: random.Next(4) == 0 ? "unknown-cluster" : "lab",
                status: random.Next(3) == 0 ? "resolved" : "firing", instance: $"127.0.0.{random.Next(1, 4)}:2379"));
    }
}
