using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// The operator token never reaches Alertmanager (#25 finding 5): the webhook token and the operator
/// token live in two Secrets, and everything that hands a Secret to Alertmanager (the
/// AlertmanagerConfig's credentials, the values files, the commands in README.md and docs/) names the webhook one.
/// </summary>
public sealed partial class TokenSecretsTests
{
    [Theory]
    [EachOverlay]
    public async Task AlertmanagerIsGivenTheWebhookTokensSecretAndThePodAloneTheOperators(string overlay)
    {
        var manifests = await RenderWithMonitoringAsync(overlay);
        var credentials = At(manifests.Single("AlertmanagerConfig"), "spec", "receivers", 0, "webhookConfigs", 0, "httpConfig", "authorization", "credentials")!;

        var webhook = SecretOf(manifests, "Remediator__Auth__WebhookTokensFile");
        var operatorToken = SecretOf(manifests, "Remediator__Auth__OperatorTokensFile");

        Assert.Equal(webhook, $"{Str(credentials, "name")}/{Str(credentials, "key")}");
        var operatorSecret = operatorToken.Split('/')[0];
        Assert.NotEqual(webhook.Split('/')[0], operatorSecret);
        // The operator token's Secret is named by the pod's volume and nothing else.
        Assert.Single(Regex.Matches(manifests.Text, Regex.Escape(operatorSecret)));
    }

    /// <summary>Prometheus scrapes /metrics with the metrics token the pod reads (#38), from a Secret holding no other token.</summary>
    [Theory]
    [EachOverlay]
    public async Task TheServiceMonitorScrapesWithTheMetricsTokensOwnSecret(string overlay)
    {
        var manifests = await RenderWithMonitoringAsync(overlay);
        var authorization = At(manifests.Single("ServiceMonitor"), "spec", "endpoints", 0, "authorization")!;
        var credentials = At(authorization, "credentials")!;

        var metrics = SecretOf(manifests, "Remediator__Auth__MetricsTokensFile");

        Assert.Equal("Bearer", Str(authorization, "type"));
        Assert.Equal(metrics, $"{Str(credentials, "name")}/{Str(credentials, "key")}");
        Assert.NotEqual(metrics.Split('/')[0], SecretOf(manifests, "Remediator__Auth__WebhookTokensFile").Split('/')[0]);
        Assert.NotEqual(metrics.Split('/')[0], SecretOf(manifests, "Remediator__Auth__OperatorTokensFile").Split('/')[0]);
    }

    /// <summary>The values files and the docs: no Secret given to Alertmanager holds the operator token.</summary>
    [Fact]
    public async Task NoValuesFileOrDocumentedCommandGivesAlertmanagerTheOperatorToken()
    {
        foreach (var file in new[] { "kube-prometheus-values.yaml", "kube-prometheus-values-routes.yaml" })
        {
            var text = await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "monitoring", file));
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            Assert.All(Items(stream.Documents[0].RootNode, "alertmanager", "alertmanagerSpec", "secrets"), s => Assert.Equal("etcd-remediator-webhook-token", s.ToString()));
            Assert.DoesNotMatch(OperatorToken(), string.Join("\n", text.Split('\n').Where(l => !l.TrimStart().StartsWith('#') || l.Contains("kubectl", StringComparison.Ordinal))));
        }

        // Every command that makes a Secret outside the service's namespace (Alertmanager's, or
        // kube-system for the AlertmanagerConfig) makes it from the webhook token alone.
        var docs = await RepoFiles.ReadAllDocsAsync();
        var routes = await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "monitoring", "kube-prometheus-values-routes.yaml"));
        var commands = Commands(docs).Concat(Commands(routes)).Where(c => c.Contains("create secret", StringComparison.Ordinal)).ToList();
        Assert.Contains(commands, c => c.Contains("-n monitoring", StringComparison.Ordinal));
        Assert.All(commands.Where(c => OtherNamespace().IsMatch(c)), c => Assert.DoesNotMatch(OperatorToken(), c));
        // The service's own Secrets are made one token each.
        Assert.All(commands.Where(c => c.Contains("-n etcd-remediator create secret generic etcd-remediator-", StringComparison.Ordinal)), c =>
            Assert.False(c.Contains("webhook.token", StringComparison.Ordinal) && OperatorToken().IsMatch(c), c));
    }

    /// <summary>The Secret and key a token file of the service comes from (its ConfigMap key naming the file), as "secret/key".</summary>
    private static string SecretOf(Manifests manifests, string tokenFileKey)
    {
        var pod = At(manifests.Single("Deployment"), "spec", "template", "spec")!;
        var file = Str(manifests.Single("ConfigMap"), "data", tokenFileKey)!;
        var mount = Assert.Single(Items(pod, "containers", 0, "volumeMounts"), m => file.StartsWith(Str(m, "mountPath") + "/", StringComparison.Ordinal));
        var volume = Assert.Single(Items(pod, "volumes"), v => Str(v, "name") == Str(mount, "name"));
        var path = file[(Str(mount, "mountPath")!.Length + 1)..];
        var source = Assert.Single(Items(volume, "projected", "sources"), s => Items(s, "secret", "items").Any(i => Str(i, "path") == path));
        var item = Assert.Single(Items(source, "secret", "items"));
        Assert.Equal(path, Str(item, "path"));
        return $"{Str(source, "secret", "name")}/{Str(item, "key")}";
    }

    /// <summary>
    /// The docs' way to read the operator token back names the Secret and key the pod reads it
    /// from, and its jsonpath, run by kubectl on such a Secret, gives the token.
    /// </summary>
    [Fact]
    public async Task TheDocumentedReadBackCommandGivesTheOperatorTokenThePodReads()
    {
        var manifests = await RenderAsync("overlays/kubeadm");
        var expected = SecretOf(manifests, "Remediator__Auth__OperatorTokensFile").Split('/');
        var docs = await RepoFiles.ReadAllDocsAsync();
        var commands = ReadBack().Matches(docs).Where(m => m.Groups["key"].Value == "operator\\.token").ToList();

        Assert.NotEmpty(commands);
        Assert.All(commands, c =>
        {
            Assert.Equal(Str(manifests.Single("Deployment"), "metadata", "namespace"), c.Groups["ns"].Value);
            Assert.Equal(expected[0], c.Groups["secret"].Value);
        });
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var (exit, output) = await Tools.RunAsync("kubectl", "create", "secret", "generic", expected[0], $"--from-literal={expected[1]}={token}",
            "--dry-run=client", "-o", $"jsonpath={commands[0].Groups["path"].Value}");
        Assert.True(exit == 0, output);
        Assert.Equal(token, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(output.Trim())));
    }

    [GeneratedRegex(@"kubectl -n (?<ns>\S+) get secret (?<secret>\S+) -o jsonpath='(?<path>\{\.data\.(?<key>[^}]+)\})' \| base64 -d")]
    private static partial Regex ReadBack();

    /// <summary>Shell commands, their `\` and `|` continuations joined, `#` prefixes of comment blocks dropped.</summary>
    private static IEnumerable<string> Commands(string text)
    {
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimStart().TrimStart('#').Trim();
            current += " " + line;
            if (line.EndsWith('\\') || line.EndsWith('|')) continue;
            if (current.Contains("kubectl", StringComparison.Ordinal)) yield return current.Trim();
            current = "";
        }
    }

    [GeneratedRegex(@"operator[.-]token")]
    private static partial Regex OperatorToken();

    [GeneratedRegex(@"kubectl -n (?!etcd-remediator )\S+ create secret")]
    private static partial Regex OtherNamespace();
}
