using System.Reflection;
using Xunit.Sdk;

namespace EtcdRemediator.IntegrationTests.Talos;

public enum Backend
{
    Etcd,
    Talos,
}

/// <summary>
/// A theory's data: each <see cref="Backend"/> that reaches the etcd under test, followed by <paramref name="rest"/>, so that a
/// backend added to the enum runs every pipeline theory. Talos only from etcd 3.5: no supported Talos release runs 3.4
/// (docs/compatibility.md), so the 3.4 pass spends nothing on it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class EachBackendAttribute(params object[] rest) : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        Enum.GetValues<Backend>().Where(RunsOnEtcdUnderTest).Select(b => (object[])[b, .. rest]);

    private static bool RunsOnEtcdUnderTest(Backend backend) =>
        backend != Backend.Talos || !EtcdUnderTest.Is34;
}

/// <summary>
/// One real etcd cluster, reached the way the backend reaches it: directly, or through the apid
/// stand-in with a talosconfig and mTLS. The pipeline tests take a backend and run unchanged.
/// </summary>
internal sealed class BackendHarness : IAsyncDisposable
{
    private readonly EtcdTestCluster _cluster;
    private readonly TestPki? _pki;
    private readonly string? _dir;

    private BackendHarness(Backend backend, EtcdTestCluster cluster, ApidStandIn? apid, TestPki? pki, string? dir)
    {
        Backend = backend;
        _cluster = cluster;
        Apid = apid;
        _pki = pki;
        _dir = dir;
    }

    public Backend Backend { get; }
    public ApidStandIn? Apid { get; }

    public static async Task<BackendHarness> StartAsync(Backend backend, EtcdTestCluster cluster)
    {
        if (backend == Backend.Etcd) return new BackendHarness(backend, cluster, null, null, null);
        var pki = new TestPki("talos-test-ca");
        var apid = await ApidStandIn.StartAsync(cluster, pki);
        var dir = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "talos-").FullName;
        return new BackendHarness(backend, cluster, apid, pki, dir);
    }

    public Dictionary<string, string?> Settings(string name = "lab", long? quota = null)
    {
        if (Backend == Backend.Etcd) return RemediatorApp.ForCluster(_cluster, name, quota);
        var settings = TalosSettings(Apid!.WriteTalosconfig(_dir!, _pki!), name);
        if (quota is { } q) settings["Remediator:Clusters:0:QuotaBackendBytes"] = q.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>Settings naming one cluster called <paramref name="name"/>, reached through Talos with <paramref name="talosconfig"/>.</summary>
    public static Dictionary<string, string?> TalosSettings(string talosconfig, string name = "lab") => new()
    {
        ["Remediator:Clusters:0:Name"] = name,
        ["Remediator:Clusters:0:Backend"] = "Talos",
        ["Remediator:Clusters:0:Talos:ConfigFile"] = talosconfig,
    };

    public async ValueTask DisposeAsync()
    {
        if (Apid is not null) await Apid.DisposeAsync();
        _pki?.Dispose();
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
    }
}
