using EtcdRemediator.Clusters;
using EtcdRemediator.Etcd.Talos;
using EtcdRemediator.Startup;
using Microsoft.Extensions.Configuration;

namespace EtcdRemediator.Tests.Etcd;

public sealed class TalosConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-talos-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Talosconfig(string text)
    {
        var path = Path.Combine(_dir, "talosconfig");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The options as the service binds them from these keys under <c>Remediator:Clusters:0</c>: the check knows the shipped
    /// backends' own keys, and the cluster keeps its section, from which the Talos backend binds its settings.</summary>
    private static RemediatorOptions Configured(params (string Key, string Value)[] cluster)
    {
        var check = Check(cluster);
        Assert.Empty(check.Errors);
        var options = new RemediatorOptions();
        check.Bind(options);
        return options;
    }

    private static ConfigurationCheck Check((string Key, string Value)[] cluster) =>
        ConfigurationCheck.Run(new ConfigurationBuilder()
            .AddInMemoryCollection(cluster.Select(kv => KeyValuePair.Create($"Remediator:Clusters:0:{kv.Key}", (string?)kv.Value)))
            .Build().GetSection(RemediatorOptions.Section), ClusterBackends.Shipped().Keys());

    private const string TwoContexts = """
        context: prod
        contexts:
          prod:
            endpoints: [127.0.0.10, "127.0.0.11:50001"]
            nodes: [127.0.0.1, 127.0.0.2, 127.0.0.3]
            ca: Y2E=
            crt: Y3J0
            key: a2V5
          lab:
            endpoints: [192.0.2.1]
            nodes: [192.0.2.1]
        """;

    [Fact]
    public void TheCurrentContextGivesApidEndpointsOnPort50000AndNodes()
    {
        var connection = TalosConnection.Resolve(Configured(("Name", "prod"), ("Backend", "Talos"), ("Talos:ConfigFile", Talosconfig(TwoContexts)))
            .Clusters[0]);

        Assert.Equal(["https://127.0.0.10:50000", "https://127.0.0.11:50001"], connection.Endpoints);
        Assert.Equal(["127.0.0.1", "127.0.0.2", "127.0.0.3"], connection.Nodes);
    }

    [Fact]
    public void ConfiguredNodesAndContextWin()
    {
        var connection = TalosConnection.Resolve(Configured(("Name", "lab"), ("Backend", "Talos"),
            ("Tls:CaFile", "ca"), ("Tls:CertFile", "crt"), ("Tls:KeyFile", "key"),
            ("Talos:ConfigFile", Talosconfig(TwoContexts)), ("Talos:Context", "lab"), ("Talos:Nodes:0", "192.0.2.7")).Clusters[0]);

        Assert.Equal(["https://192.0.2.1:50000"], connection.Endpoints);
        Assert.Equal(["192.0.2.7"], connection.Nodes);
    }

    [Theory]
    [InlineData("missing", "no context 'missing'")]
    public void AnUnknownContextIsAConfigurationErrorNamingIt(string context, string message)
    {
        var errors = RemediatorOptionsValidator.Collect(Configured(("Name", "prod"), ("Backend", "Talos"),
            ("Talos:ConfigFile", Talosconfig(TwoContexts)), ("Talos:Context", context))).ToList();

        Assert.Contains(errors, e => e.StartsWith("Remediator:Clusters:0:Talos:", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutATalosconfigPemFilesAndEndpointsAreNeeded()
    {
        var errors = RemediatorOptionsValidator.Collect(Configured(("Name", "prod"), ("Backend", "Talos"),
            ("Endpoints:0", "https://127.0.0.10:50000"), ("Talos:Nodes:0", "127.0.0.1"))).ToList();

        Assert.Contains(errors, e => e.Contains("no client certificate", StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingTalosconfigFileIsNamed()
    {
        var errors = RemediatorOptionsValidator.Collect(Configured(("Name", "prod"), ("Backend", "Talos"),
            ("Talos:ConfigFile", "/nonexistent/talosconfig"))).ToList();

        Assert.Contains("Remediator:Clusters:0:Talos:ConfigFile: file '/nonexistent/talosconfig' does not exist.", errors);
    }

    /// <summary>Gaps in the indexes (cluster 0's variables deleted): the binder makes Clusters:1 and Clusters:2 items 0 and 1, and
    /// each keeps its own section, so its own Talos settings (found in review: they were paired by index).</summary>
    [Fact]
    public void ClustersWithGapsInTheirIndexesKeepTheirOwnTalosSettings()
    {
        var check = ConfigurationCheck.Run(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:1:Name"] = "first", ["Remediator:Clusters:1:Backend"] = "Talos", ["Remediator:Clusters:1:Talos:Context"] = "one",
            ["Remediator:Clusters:2:Name"] = "second", ["Remediator:Clusters:2:Backend"] = "Talos", ["Remediator:Clusters:2:Talos:Context"] = "two",
        }).Build().GetSection(RemediatorOptions.Section), ClusterBackends.Shipped().Keys());
        var options = new RemediatorOptions();

        check.Bind(options);

        Assert.Equal([("first", "one"), ("second", "two")], options.Clusters.Select(c => (c.Name, TalosOptions.Of(c).Context)));
    }

    /// <summary>The Talos keys belong to the Talos backend (its folder), not to the generic cluster options; the key check still knows
    /// them, so a misspelt one is refused with the key meant.</summary>
    [Fact]
    public void AMisspeltTalosKeyIsRefusedNamingTheKeyMeant()
    {
        var check = Check([("Name", "prod"), ("Backend", "Talos"), ("Talos:ConfigFil", "/etc/talos/config")]);

        Assert.Equal(["Remediator:Clusters:0:Talos:ConfigFil: is not a setting; did you mean Remediator:Clusters:0:Talos:ConfigFile?"],
            check.Errors);
    }

    /// <summary>A new user's first try: <c>Backend=talos</c> and nothing else (found by a trial from the README).</summary>
    [Fact]
    public void ATalosClusterWithNothingToReachItBySaysWhichKeysToSet()
    {
        var errors = RemediatorOptionsValidator.Collect(new RemediatorOptions
        {
            Clusters = [new ClusterOptions { Name = "prod", Backend = "Talos" }],
        }).ToList();

        Assert.Equal(["Remediator:Clusters:0:Talos: no talosconfig and no apid endpoint: set Talos:ConfigFile (the talosconfig Talos issues), " +
            "or Endpoints with Tls files."], errors);
    }

    [Theory]
    [InlineData("192.0.2.1", "https://192.0.2.1:50000")]
    [InlineData("192.0.2.1:50001", "https://192.0.2.1:50001")]
    [InlineData("cp.example", "https://cp.example:50000")]
    [InlineData("https://cp.example", "https://cp.example:443")]
    [InlineData("https://cp.example:50000", "https://cp.example:50000")]
    [InlineData("http://cp.example", "https://cp.example:50000")]
    [InlineData("http://cp.example:80", "https://cp.example:80")]
    [InlineData("tcp://[2001:db8::1]", "https://[2001:db8::1]:50000")]
    [InlineData("2001:db8::1", "https://[2001:db8::1]:50000")]
    [InlineData("[2001:db8::1]:50001", "https://[2001:db8::1]:50001")]
    public void EndpointsGetPortsAsTalosctlGivesThem(string endpoint, string url) =>
        Assert.Equal(url, TalosConnection.ApidUrl(endpoint));
}
