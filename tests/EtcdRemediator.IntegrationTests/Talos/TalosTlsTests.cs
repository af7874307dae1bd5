using EtcdRemediator.Api;

namespace EtcdRemediator.IntegrationTests.Talos;

public sealed class TalosTlsTests
{
    [Fact]
    public async Task AClientCertificateFromAnotherCaIsRefusedByApidAndEveryRowSaysWhy()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        using var realCa = new TestPki("talos-ca");
        using var otherCa = new TestPki("someone-elses-ca");
        await using var apid = await ApidStandIn.StartAsync(cluster, realCa);
        var dir = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "talos-").FullName;
        // The talosconfig trusts the right CA but presents a certificate apid did not issue.
        var config = (await File.ReadAllTextAsync(apid.WriteTalosconfig(dir, realCa))).Replace(
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(TestPki.CertificatePem(realCa.Client))),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(TestPki.CertificatePem(otherCa.Client))), StringComparison.Ordinal);
        config = config.Replace(
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(TestPki.KeyPem(realCa.Client))),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(TestPki.KeyPem(otherCa.Client))), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(dir, "talosconfig"), config);
        await using var app = new RemediatorApp(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "lab",
            ["Remediator:Clusters:0:Backend"] = "Talos",
            ["Remediator:Clusters:0:Talos:ConfigFile"] = Path.Combine(dir, "talosconfig"),
            ["Remediator:Policy:RequestTimeout"] = "00:00:05",
        });

        var started = DateTime.UtcNow;
        var view = await app.CreateClient().GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status");

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "fails clearly, not by hanging");
        Assert.NotNull(view!.Error);
        Assert.All(view.Members, m => Assert.NotNull(m.Error));
        Assert.True(apid.RejectedHandshakes > 0);
        Assert.Empty(apid.Nodes.Calls);
        Directory.Delete(dir, recursive: true);
    }
}
