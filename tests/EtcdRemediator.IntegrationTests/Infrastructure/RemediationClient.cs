using EtcdRemediator.Remediation.Api;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>What an operator does with curl: trigger, then follow the run until it ends.</summary>
internal static class RemediationClient
{
    public static async Task<HttpResponseMessage> PostTriggerAsync(this HttpClient client, string cluster, string action, bool dryRun = false, bool force = false) =>
        await client.PostAsJsonAsync($"/api/v1/clusters/{cluster}/remediations", new { action, dryRun, force });

    public static async Task<RemediationEndpoints.TriggerAnswer> TriggerAsync(this HttpClient client, string cluster, string action, bool dryRun = false, bool force = false)
    {
        var response = await client.PostTriggerAsync(cluster, action, dryRun, force);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var answer = (await response.Content.ReadFromJsonAsync<RemediationEndpoints.TriggerAnswer>())!;
        Assert.Equal($"/api/v1/remediations/{answer.Id}", response.Headers.Location?.OriginalString);
        return answer;
    }

    public static async Task<RunRecord> GetRunAsync(this HttpClient client, string id) =>
        JsonSerializer.Deserialize<RunRecord>(await client.GetStringAsync($"/api/v1/remediations/{id}"), System.Text.Json.JsonSerializerOptions.Web)!;

    public static Task<RunRecord> WaitForRunAsync(this HttpClient client, string id, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => client.GetRunAsync(id), run => !run.IsActive, timeout ?? TimeSpan.FromMinutes(2), $"run {id} to end");

    public static async Task<RunRecord> RunToEndAsync(this HttpClient client, string cluster, string action, bool dryRun = false, bool force = false, bool ignoreThresholds = false)
    {
        if (ignoreThresholds)
        {
            var response = await client.PostAsJsonAsync($"/api/v1/clusters/{cluster}/remediations", new { action, dryRun, force, ignoreThresholds });
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return await client.WaitForRunAsync((await response.Content.ReadFromJsonAsync<RemediationEndpoints.TriggerAnswer>())!.Id);
        }
        var answer = await client.TriggerAsync(cluster, action, dryRun, force);
        return await client.WaitForRunAsync(answer.Id);
    }
}
