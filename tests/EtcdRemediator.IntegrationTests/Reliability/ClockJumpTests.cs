using EtcdRemediator.IntegrationTests.Alerts;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// #34 item 6: clocks jump. The service's own clock is moved with libfaketime (Debian's libfaketime: LD_PRELOAD, the
/// offset read from FAKETIME_TIMESTAMP_FILE while the process runs); etcd's and the test's clocks stay true.
/// A success recorded while the clock ran a day ahead held every defrag back for a day.
/// </summary>
public sealed class ClockJumpTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    [Fact]
    public async Task ASuccessWhileTheClockRanADayAheadHoldsDefragsBackOneCooldownAfterTheClockIsCorrected()
    {
        Assert.True(File.Exists(Library) || !OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture
            != System.Runtime.InteropServices.Architecture.X64, $"{Library} is missing: scripts/test.sh installs libfaketime");
        await using var lab = await ProcessScenario.StartAsync(fragmentMegabytes: 8);
        var offset = Path.Combine(lab.Data, "faketime");
        await File.WriteAllTextAsync(offset, "+1d\n");
        var settings = lab.Settings;
        settings["LD_PRELOAD"] = Library;
        settings["FAKETIME_TIMESTAMP_FILE"] = offset;
        settings["FAKETIME_CACHE_DURATION"] = "1";
        settings["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"; // timers and timeouts run on the true monotonic clock
        // ...and wait on it: with libfaketime's own fix of monotonic condition-variable waits (on by default in Debian's 0.9.10)
        // every timed wait of the runtime's timer threads returned at once while the clock was a day ahead, and the service
        // spun at about half a core (perf: its .NET Timer and Kestrel Timer threads; 4.5 CPU-s per 10 s idle, 0.08 without).
        // A clock stepped by NTP moves no monotonic wait: that is the machine this test stands for.
        settings["FAKETIME_FORCE_MONOTONIC_FIX"] = "0";
        settings["Remediator:Policy:Cooldown"] = "00:30:00";
        settings["Remediator:Watch:Interval"] = "1s"; // the history records what the watch reads
        await using var service = await lab.StartServiceAsync();
        var client = service.Client;
        var ahead = await client.RunToEndAsync("lab", "defrag");
        Assert.True(ahead.Status == RunStatus.Succeeded, $"{ahead.Status}: {ahead.Reason}");
        Assert.True(ahead.FinishedAt > DateTimeOffset.UtcNow.AddHours(23), $"the service's clock was not a day ahead: {ahead.FinishedAt:O}");

        await File.WriteAllTextAsync(offset, "+0\n"); // NTP corrects the clock
        // The service's own clock, as Kestrel dates its answers.
        await Poll.UntilAsync(async () => (await client.GetAsync("/healthz")).Headers.Date,
            date => date < DateTimeOffset.UtcNow.AddHours(1), TimeSpan.FromSeconds(30), "the service's clock to step back");
        using var delivered = await client.PostAsync("/api/v1/alerts", new StringContent(
            Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio")), Encoding.UTF8, "application/json"));
        var alert = JsonDocument.Parse(await delivered.Content.ReadAsStringAsync()).RootElement.GetProperty("alerts")[0];
        output.WriteLine($"alert: {alert}");

        Assert.Equal("cooldown", alert.GetProperty("disposition").GetString());
        var manual = await client.PostTriggerAsync("lab", "defrag");
        Assert.Equal(HttpStatusCode.Conflict, manual.StatusCode);
        var retryAfter = (await manual.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retryAfter").GetDateTimeOffset();
        Assert.InRange(retryAfter, DateTimeOffset.UtcNow.AddMinutes(25), DateTimeOffset.UtcNow.AddMinutes(31));

        // #34 item 6(b): the history froze for the length of the step back (every reading "too close" to the last one).
        var stepped = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(async () => JsonDocument.Parse(await client.GetStringAsync("/api/v1/clusters/lab/history")).RootElement.Clone(),
            h => h.GetProperty("members").EnumerateArray().All(m => m.GetProperty("samples").EnumerateArray()
                .Any(x => x.GetProperty("at").GetDateTimeOffset() > stepped)),
            TimeSpan.FromSeconds(30), "readings after the step back in every member's history");
    }
}
