using YamlDotNet.RepresentationModel;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// A rendered AlertmanagerConfig as the Prometheus Operator turns it into Alertmanager configuration
/// (its route under the root with `continue: true`, receivers named namespace/config/receiver, and
/// with the OnNamespace matcher strategy, the operator's default, a matcher on the config's own
/// namespace), and amtool's answer to which receivers an alert with given labels reaches.
/// </summary>
public static class OperatorRoutes
{
    public static string Config(YamlNode alertmanagerConfig, bool onNamespace)
    {
        var ns = Str(alertmanagerConfig, "metadata", "namespace");
        var prefix = $"{ns}/{Str(alertmanagerConfig, "metadata", "name")}/";
        var route = At(alertmanagerConfig, "spec", "route")!;
        var matchers = Items(route, "matchers").Select(m => $"{Str(m, "name")}{Str(m, "matchType") ?? "="}\"{Str(m, "value")}\"").ToList();
        if (onNamespace) matchers.Insert(0, $"namespace=\"{ns}\"");
        var receivers = Items(alertmanagerConfig, "spec", "receivers").Select(r => $"""
              - name: "{prefix}{Str(r, "name")}"
                webhook_configs:
                  - url: {Str(r, "webhookConfigs", 0, "url")}
            """);
        return $"""
            route:
              receiver: "null"
              routes:
                - receiver: "{prefix}{Str(route, "receiver")}"
                  group_by: [{string.Join(", ", Items(route, "groupBy"))}]
                  matchers: [{string.Join(", ", matchers.Select(m => $"'{m}'"))}]
                  continue: true
            receivers:
              - name: "null"
            {string.Join("\n", receivers)}
            """;
    }

    /// <summary>The receivers `amtool config routes test` names for an alert with these labels, comma-separated.</summary>
    public static async Task<string> ReceiversAsync(string config, params string[] labels)
    {
        var file = Path.Combine(Path.GetTempPath(), $"etcdrem-it-am-{Guid.NewGuid():N}.yml");
        try
        {
            await File.WriteAllTextAsync(file, config);
            var (exit, output) = await Tools.RunAsync("amtool", ["config", "routes", "test", "--config.file", file, .. labels]);
            Assert.True(exit == 0, $"amtool on\n{config}\n{output}");
            return string.Join(",", output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("Warning:", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
