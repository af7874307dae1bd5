using EtcdRemediator.Etcd.V3;

namespace EtcdRemediator.Tests.Configuration;

/// <summary>Mistakes named for what they are: a misspelt prefix, a plain-http endpoint beside TLS files.</summary>
public sealed class MistakeNamingTests
{
    [Theory]
    [InlineData("Remediater__Policy__Cooldown", "Remediator__Policy__Cooldown")]
    [InlineData("REMEDIATR__Snapshots__Retain", "Remediator__Snapshots__Retain")]
    [InlineData("remediatorr__Auth__OperatorTokens__0", "Remediator__Auth__OperatorTokens__0")]
    public void AVariableWhosePrefixIsAMisspeltRemediatorIsNamedWithTheIntendedName(string variable, string meant)
    {
        var warning = Assert.Single(MisspeltPrefix.Warnings([variable, "PATH", "HOME"]));

        Assert.Contains($"environment variable {variable} is not read", warning);
        Assert.EndsWith($"did you mean {meant}?", warning);
    }

    [Theory]
    [InlineData("Remediator__Policy__Cooldown")] // right
    [InlineData("REMEDIATOR__Policy__Cooldown")] // right: configuration keys ignore case
    [InlineData("Remedy__Policy__Cooldown")] // three edits away: another program's
    [InlineData("Remediater")] // no section separator: not configuration
    [InlineData("DOTNET__gcServer")]
    public void OtherVariablesAreLeftAlone(string variable) =>
        Assert.Empty(MisspeltPrefix.Warnings([variable]));

    [Fact]
    public void TheNearestNameIsFoundIgnoringCaseAndOnlyWithinTheDistanceAllowed()
    {
        Assert.Equal("dryRun", Spelling.Nearest(["action", "dryRun", "force"], "dry_run", maxDistance: 2));
        Assert.Null(Spelling.Nearest(["action", "dryRun", "force"], "priority", maxDistance: 2));
    }

    [Theory]
    [InlineData("CaFile")]
    [InlineData("CertFile")]
    public void AnHttpEndpointBesideTlsFilesIsRefusedNamingTheEndpoint(string file)
    {
        var existing = typeof(MistakeNamingTests).Assembly.Location; // any file that exists: only the scheme is judged here
        var tls = file == "CaFile" ? new TlsOptions { CaFile = existing } : new TlsOptions { CertFile = existing, KeyFile = existing };
        var cluster = new ClusterOptions { Endpoints = ["https://10.0.0.1:2379", "http://10.0.0.2:2379/"], Tls = tls };

        var error = Assert.Single(new EtcdV3Backend().Validate(cluster, "Remediator:Clusters:0"));

        Assert.StartsWith("Remediator:Clusters:0:Endpoints:1: 'http://10.0.0.2:2379/' is plain http", error);
        Assert.Contains("write https://10.0.0.2:2379", error);
    }

    [Fact]
    public void HttpEndpointsWithoutTlsFilesAreFine() =>
        Assert.Empty(new EtcdV3Backend().Validate(new ClusterOptions { Endpoints = ["http://127.0.0.1:2379"] }, "Remediator:Clusters:0"));
}
