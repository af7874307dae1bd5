using EtcdRemediator.Etcd.Talos;
using EtcdRemediator.Startup;

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
        var connection = TalosConnection.Resolve(new ClusterOptions
        {
            Name = "prod",
            Backend = "Talos",
            Talos = new TalosOptions { ConfigFile = Talosconfig(TwoContexts) },
        });

        Assert.Equal(["https://127.0.0.10:50000", "https://127.0.0.11:50001"], connection.Endpoints);
        Assert.Equal(["127.0.0.1", "127.0.0.2", "127.0.0.3"], connection.Nodes);
    }

    [Fact]
    public void ConfiguredNodesAndContextWin()
    {
        var connection = TalosConnection.Resolve(new ClusterOptions
        {
            Name = "lab",
            Backend = "Talos",
            Tls = new TlsOptions { CaFile = "ca", CertFile = "crt", KeyFile = "key" },
            Talos = new TalosOptions { ConfigFile = Talosconfig(TwoContexts), Context = "lab", Nodes = ["192.0.2.7"] },
        });

        Assert.Equal(["https://192.0.2.1:50000"], connection.Endpoints);
        Assert.Equal(["192.0.2.7"], connection.Nodes);
    }

    [Theory]
    [InlineData("missing", "no context 'missing'")]
    public void AnUnknownContextIsAConfigurationErrorNamingIt(string context, string message)
    {
        var errors = RemediatorOptionsValidator.Collect(new RemediatorOptions
        {
            Clusters = [new ClusterOptions { Name = "prod", Backend = "Talos", Talos = new TalosOptions { ConfigFile = Talosconfig(TwoContexts), Context = context } }],
        }).ToList();

        Assert.Contains(errors, e => e.StartsWith("Remediator:Clusters:0:Talos:", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutATalosconfigPemFilesAndEndpointsAreNeeded()
    {
        var errors = RemediatorOptionsValidator.Collect(new RemediatorOptions
        {
            Clusters = [new ClusterOptions { Name = "prod", Backend = "Talos", Endpoints = ["https://127.0.0.10:50000"], Talos = new TalosOptions { Nodes = ["127.0.0.1"] } }],
        }).ToList();

        Assert.Contains(errors, e => e.Contains("no client certificate", StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingTalosconfigFileIsNamed()
    {
        var errors = RemediatorOptionsValidator.Collect(new RemediatorOptions
        {
            Clusters = [new ClusterOptions { Name = "prod", Backend = "Talos", Talos = new TalosOptions { ConfigFile = "/nonexistent/talosconfig" } }],
        }).ToList();

        Assert.Contains("Remediator:Clusters:0:Talos:ConfigFile: file '/nonexistent/talosconfig' does not exist.", errors);
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
