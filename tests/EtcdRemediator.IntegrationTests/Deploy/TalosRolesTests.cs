using EtcdRemediator.Etcd.Talos;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// Least privilege on Talos (#25 finding 12): the talos overlay's roles make every call its policy
/// needs and no more; os:admin (full administration of every node) is not among them.
/// </summary>
public sealed class TalosRolesTests
{
    /// <summary>Talos' own authorization of the calls the service makes (machined's rules; the apid stand-in enforces the same).</summary>
    private static Dictionary<string, string[]> TalosRules => Talos.StandInMachineService.Roles;

    /// <summary>The service names these roles when apid refuses a call: they are Talos' own.</summary>
    [Fact]
    public void TheServicesTableOfRolesIsTalos()
    {
        Assert.Equal(TalosRules.Keys.Order(), TalosRoles.Allowed.Keys.Order());
        foreach (var (method, roles) in TalosRules)
            Assert.Equal(roles.Order(), TalosRoles.Allowed[method].Select(r => r.Split(' ')[0]).Order());
    }

    [Fact]
    public async Task TheOverlaysRolesMakeEveryCallItsPolicyNeedsEachRoleNeededAndNoAdmin()
    {
        var manifests = await RenderAsync("overlays/talos");
        var roles = Items(Assert.Single(manifests.Objects, o => Str(o, "apiVersion") == "talos.dev/v1alpha1"), "spec", "roles")
            .Select(r => r.ToString()).ToHashSet();
        var options = ManifestOptions.Bind(manifests);
        // Every run reads members, statuses and alarms; a defrag snapshots first, a recover disarms;
        // only a leadership move needs EtcdForfeitLeadership.
        var needed = TalosRules.Keys.Where(m => m != "EtcdForfeitLeadership" || options.Policy.MoveLeader).ToList();

        Assert.DoesNotContain("os:admin", roles);
        Assert.False(options.Policy.MoveLeader);
        Assert.All(needed, m => Assert.True(TalosRules[m].Intersect(roles).Any(), $"no role of [{string.Join(", ", roles)}] may call {m}"));
        Assert.All(roles, role => Assert.Contains(needed, m => !TalosRules[m].Intersect(roles.Except([role])).Any()));
    }
}
