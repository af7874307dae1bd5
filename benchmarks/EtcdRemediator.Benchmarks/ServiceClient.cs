using EtcdRemediator.Remediation;

namespace EtcdRemediator.Benchmarks;

/// <summary>The service as a real process, driven over HTTP the way an operator or Alertmanager does.</summary>
internal static class ServiceClient
{
    public static Task<ManagedProcess> StartAsync(string data, Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Warning";
        return ServiceProcess.StartAsync(data, settings);
    }

    public static Dictionary<string, string?> ForCluster(EtcdTestCluster cluster, string name = "lab")
    {
        var settings = new Dictionary<string, string?> { ["Remediator:Clusters:0:Name"] = name };
        for (var i = 0; i < cluster.Endpoints.Count; i++) settings[$"Remediator:Clusters:0:Endpoints:{i}"] = cluster.Endpoints[i];
        return settings;
    }

    /// <summary>POSTs a trigger and polls (every 20 ms) until the run ends; returns it with the wall time seen by the caller.</summary>
    public static async Task<(RunRecord Run, double Seconds)> RunAsync(ManagedProcess service, string cluster, string action)
    {
        var clock = Stopwatch.StartNew();
        var response = await service.Client.PostAsJsonAsync($"/api/v1/clusters/{cluster}/remediations", new { action, force = true });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        while (true)
        {
            var run = JsonSerializer.Deserialize<RunRecord>(await service.Client.GetStringAsync($"/api/v1/remediations/{id}"), System.Text.Json.JsonSerializerOptions.Web)!;
            if (!run.IsActive) return (run, clock.Elapsed.TotalSeconds);
            await Task.Delay(20);
        }
    }
}
