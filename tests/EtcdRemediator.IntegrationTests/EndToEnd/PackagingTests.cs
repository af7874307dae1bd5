using YamlDotNet.RepresentationModel;

namespace EtcdRemediator.IntegrationTests.EndToEnd;

/// <summary>
/// No Docker engine runs here, so the compose stack is checked through its parts: the files it
/// mounts are the ones the local stack and these tests run, and it names every piece it needs.
/// </summary>
public sealed class PackagingTests
{
    private static YamlMappingNode Load(params string[] path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(RepoFiles.Path(path));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    [Fact]
    public void ComposeHasTheSameTopologyAsTheLocalStack()
    {
        var compose = Load("docker-compose.yml");
        var services = Map(compose, "services");

        Assert.Equal(["etcd-1", "etcd-2", "etcd-3", "prometheus", "alertmanager", "remediator"],
            services.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        var remediator = Map(services, "remediator");
        Assert.Equal("docker/Dockerfile", ((YamlScalarNode)Map(remediator, "build")["dockerfile"]).Value);
        Assert.Contains("remediator-data:/data", ((YamlSequenceNode)remediator["volumes"]).Children.Select(v => v.ToString()));
        var environment = Map(remediator, "environment");
        for (var i = 0; i < 3; i++)
            Assert.Equal($"http://etcd-{i + 1}:2379", environment[$"Remediator__Clusters__0__Endpoints__{i}"].ToString());
        foreach (var secret in Map(compose, "secrets").Children.Values)
            Assert.True(File.Exists(RepoFiles.Path(((YamlMappingNode)secret)["file"].ToString())), secret.ToString());
        Assert.Contains("./docker/prometheus:/etc/prometheus:ro", ((YamlSequenceNode)Map(services, "prometheus")["volumes"]).Children.Select(v => v.ToString()));
    }

    /// <summary>Refusals are bounded by the service (#38); the host's disk by Docker's rotation, for every service.</summary>
    [Fact]
    public void EveryComposeServiceRotatesItsLog()
    {
        using var reader = new StreamReader(RepoFiles.Path("docker-compose.yml"));
        var compose = new YamlDotNet.Serialization.DeserializerBuilder().Build()
            .Deserialize<Dictionary<string, object>>(new YamlDotNet.Core.MergingParser(new YamlDotNet.Core.Parser(reader)));

        var services = (IDictionary<object, object>)compose["services"];
        Assert.Equal(6, services.Count);
        Assert.All(services, service =>
        {
            var logging = (IDictionary<object, object>)((IDictionary<object, object>)service.Value)["logging"];
            var options = (IDictionary<object, object>)logging["options"];
            Assert.Equal("json-file", logging["driver"]);
            Assert.Matches("^[0-9]+m$", options["max-size"].ToString());
            Assert.Matches("^[0-9]+$", options["max-file"].ToString());
        });
    }

    /// <summary>The compose Prometheus reads the metrics token where prometheus.yml, relative to itself, names it.</summary>
    [Fact]
    public void TheComposePrometheusReadsTheMetricsTokenWhereItsConfigNamesIt()
    {
        var prometheus = Map(Map(Load("docker-compose.yml"), "services"), "prometheus");
        var config = File.ReadAllText(RepoFiles.Path("docker", "prometheus", "prometheus.yml"));
        var file = System.Text.RegularExpressions.Regex.Match(config, @"credentials_file: (\S+)").Groups[1].Value;

        var inContainer = Path.GetFullPath(Path.Combine("/etc/prometheus", file));
        Assert.Contains($"./docker/secrets/metrics.token:{inContainer}:ro", ((YamlSequenceNode)prometheus["volumes"]).Children.Select(v => v.ToString()));
        Assert.Equal(Path.GetFullPath(RepoFiles.Path("docker", "secrets", "metrics.token")), Path.GetFullPath(Path.Combine(RepoFiles.Path("docker", "prometheus"), file)));
    }

    [Fact]
    public async Task TheComposeAlertmanagerConfigIsTheExampleWithTheComposeAddresses()
    {
        var example = await File.ReadAllLinesAsync(RepoFiles.Path("alertmanager.example.yml"));
        var compose = await File.ReadAllLinesAsync(RepoFiles.Path("docker", "alertmanager", "alertmanager.yml"));

        var differing = example.Zip(compose).Where(p => p.First != p.Second).Select(p => p.Second.Trim()).ToList();
        Assert.Equal(example.Length, compose.Length);
        Assert.Equal(3, differing.Count);
        Assert.Contains("- url: http://remediator:8080/api/v1/alerts", differing);
        Assert.Contains("credentials_file: /run/secrets/webhook_token", differing);
        var (exit, output) = await Tools.RunAsync("amtool", "check-config", RepoFiles.Path("docker", "alertmanager", "alertmanager.yml"));
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task TheComposePrometheusConfigIsValidWithItsRules()
    {
        var (exit, output) = await Tools.RunAsync("promtool", "check", "config", RepoFiles.Path("docker", "prometheus", "prometheus.yml"));

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 2 rule files found", output);
    }

    [Fact]
    public void TheDockerfileBuildsTheServiceAndRunsItAsNonRootWithAHealthCheck()
    {
        var dockerfile = File.ReadAllText(RepoFiles.Path("docker", "Dockerfile"));

        // Base images: Deploy/SupplyChainTests; the image built and started: ImageFileSystemTests.
        Assert.Contains("USER $APP_UID", dockerfile);
        Assert.Contains("HEALTHCHECK", dockerfile);
        Assert.DoesNotContain("ASPNETCORE_URLS", dockerfile); // with the image's HTTP_PORTS it warns on every start
        // Every source a COPY line names (from the build context) exists in the repository.
        var copies = dockerfile.Split('\n').Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToList();
        Assert.NotEmpty(copies);
        foreach (var copied in copies)
            Assert.True(File.Exists(RepoFiles.Path(copied.TrimEnd('/'))) || Directory.Exists(RepoFiles.Path(copied.TrimEnd('/'))), copied);
        // Host build output never enters the image.
        var ignored = File.ReadAllLines(RepoFiles.Path(".dockerignore"));
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.All(copies, c => Assert.DoesNotContain(ignored, i => i.TrimEnd('/') == c.TrimEnd('/')));
    }

    [Fact]
    public async Task TheContainerHealthProbeExitsZeroOnlyWhenTheServiceAnswers()
    {
        var data = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "svc-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>());

        var up = await Tools.RunAsync(await ServiceProcess.StartInfoAsync("healthcheck", $"{service.Url}/healthz"));
        var down = await Tools.RunAsync(await ServiceProcess.StartInfoAsync("healthcheck", $"http://127.0.0.1:{FreePorts.Next()}/healthz"));

        Assert.True(up.ExitCode == 0, up.Output);
        Assert.Equal(1, down.ExitCode);
        Directory.Delete(data, recursive: true);
    }
}
