using EtcdRemediator.Etcd;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Configuration;

public static class ConfigurationExtensions
{
    /// <summary>The quick-start default: one local cluster, as a fresh `etcd` listens.</summary>
    public static readonly ClusterOptions LocalCluster = new() { Name = "local", Endpoints = ["http://127.0.0.1:2379"] };

    public static IHostApplicationBuilder AddRemediatorConfiguration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RemediatorOptions>()
            .Bind(builder.Configuration.GetSection(RemediatorOptions.Section))
            .PostConfigure(o =>
            {
                if (o.Clusters.Count == 0) o.Clusters.Add(LocalCluster);
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RemediatorOptions>, RemediatorOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Runs the app; a configuration error ends the process with the messages (which name the
    /// keys) instead of a stack trace, and a non-zero exit code for systemd or Kubernetes to see.
    /// </summary>
    public static async Task<int> RunOrExplainAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
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
}
