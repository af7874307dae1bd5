using System.Text.RegularExpressions;
using EtcdRemediator.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Startup;

/// <summary>
/// Starts the service, or says in a few lines why it cannot (naming the key, the file or the address) and
/// exits non-zero for systemd or Kubernetes to see: 2 for a configuration to fix, 3 for something else
/// holding what the service needs (its run store, its listen address). Never a stack trace for those.
/// </summary>
internal static partial class StartOrExplain
{
    /// <summary>The host's own category: it logs "Hosting failed to start" with the whole stack trace.</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    [GeneratedRegex(@"address (\S+): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex KestrelAddressInUse();

    public static IHostApplicationBuilder AddStartExplanations(this IHostApplicationBuilder builder)
    {
        // While the host starts, its error about a failed start is left to RunOrExplainAsync, which says it in one
        // line or rethrows what it cannot explain (the runtime then prints all of it). Its critical "stopping" line
        // and every error once started still pass; below Information, as everywhere by default, nothing does.
        var phase = new StartPhase();
        builder.Services.AddSingleton(phase);
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Information && (level != LogLevel.Error || !phase.Starting));
        return builder;
    }

    public static async Task<int> RunOrExplainAsync(this WebApplication app)
    {
        try
        {
            // Validated before the host starts: an error is then reported once, as the list below,
            // not also as the host's own "failed to start" log line with a stack trace.
            _ = app.Services.GetRequiredService<IOptions<RemediatorOptions>>().Value;
            foreach (var validator in app.Services.GetServices<IValidateOptions<RemediatorOptions>>().OfType<RemediatorOptionsValidator>())
                foreach (var warning in validator.Warnings) app.Logger.LogWarning("Configuration: {Warning}", warning);
            foreach (var warning in MisspeltPrefix.Warnings(Environment.GetEnvironmentVariables().Keys.Cast<string>()))
                app.Logger.LogWarning("Configuration: {Warning}", warning);
            if (PlainHttpListen.Refusal(app.Configuration) is { } refusal)
            {
                await Console.Error.WriteLineAsync($"EtcdRemediator cannot start; fix the configuration: {refusal}");
                return 2;
            }
            // Before the host starts: a store held by another process is then one line (exit 3), not the host's stack trace.
            app.Services.GetRequiredService<Storage.RemediatorDatabase>().Lock();
            return await RunAsync(app);
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("EtcdRemediator cannot start; fix the configuration:");
            foreach (var failure in e.Failures) await Console.Error.WriteLineAsync($"  - {failure}");
            return 2;
        }
        catch (Storage.StoreInUseException e)
        {
            await Console.Error.WriteLineAsync($"EtcdRemediator cannot start: {e.Message}");
            return 3;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"EtcdRemediator cannot start; fix the configuration: {e.Message}");
            return 2;
        }
    }

    /// <summary>
    /// As <c>WebApplication.RunAsync</c>, but Kestrel binds only after the background services have started: when its
    /// address is taken, they are stopped before the host is disposed (else each reports its cancellation as a crash).
    /// </summary>
    private static async Task<int> RunAsync(WebApplication app)
    {
        await using (app)
        {
            var phase = app.Services.GetRequiredService<StartPhase>();
            try
            {
                phase.Starting = true;
                await app.StartAsync();
                _ = ReleaseStartupMemoryAsync(app.Lifetime.ApplicationStopping);
            }
            catch (IOException e) when (e.InnerException is AddressInUseException)
            {
                await app.StopAsync();
                await Console.Error.WriteLineAsync($"EtcdRemediator cannot start: address {AddressOf(e)} is already in use by another " +
                    "process; stop it, or listen elsewhere (--urls, ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS).");
                return 3;
            }
            finally
            {
                phase.Starting = false;
            }
            await app.WaitForShutdownAsync();
        }
        return 0;
    }

    /// <summary>
    /// Building the host allocates ~25 MB that is garbage once it listens (configuration, dependency injection's call
    /// sites, the metric streams' set-up); the collector would keep the memory it was given for it until the service is
    /// busy again. One collection that also returns freed memory to the OS, once, a few seconds after start-up: not at
    /// once, where its pause delayed the first 200 from /readyz by ~30 ms (issue 40: start-up and idle memory alike).
    /// </summary>
    private static async Task ReleaseStartupMemoryAsync(CancellationToken stopping)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3), stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>"Failed to bind to address http://127.0.0.1:8080: address already in use." -> 127.0.0.1:8080.</summary>
    private static string AddressOf(IOException e) =>
        KestrelAddressInUse().Match(e.Message) is { Success: true } m
            ? Uri.TryCreate(m.Groups[1].Value, UriKind.Absolute, out var uri) ? uri.Authority : m.Groups[1].Value
            : "(as Kestrel says: " + e.Message + ")";

    /// <summary>Whether the host is starting now (see <see cref="AddStartExplanations"/>).</summary>
    internal sealed class StartPhase
    {
        private volatile bool _starting;

        public bool Starting
        {
            get => _starting;
            set => _starting = value;
        }
    }
}
