using YamlDotNet.RepresentationModel;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// Each overlay applied alone, as a user would: every container of ours (init containers included)
/// follows the one `images:` entry a user sets, and the pod meets the Pod Security Standard its
/// namespace enforces (a pod that does not is refused by the ReplicaSet, with no warning at apply).
/// </summary>
public sealed class PodSecurityAndImageTests
{
    [Theory]
    [EachOverlay]
    public async Task EveryContainerFollowsTheUsersImagesEntry(string overlay)
    {
        // docs/kubernetes.md's way: a user's own kustomization on top of ours, setting the image once.
        var manifests = await RenderUserOverlayAsync(overlay, """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            images:
              - name: etcd-remediator
                newName: registry.example/x
                newTag: "1.2.3"
            """);
        var pod = At(manifests.Single("Deployment"), "spec", "template", "spec")!;

        var containers = Containers(pod).ToList();
        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.True(Str(c, "image") == "registry.example/x:1.2.3",
            $"container {Str(c, "name")} runs image '{Str(c, "image")}', not the one the images entry sets"));
    }

    [Theory]
    [EachOverlay]
    public async Task ThePodMeetsThePodSecurityStandardItsNamespaceEnforces(string overlay)
    {
        var manifests = await RenderAsync(overlay);
        var level = Str(manifests.Single("Namespace"), "metadata", "labels", "pod-security.kubernetes.io/enforce");
        var pod = At(manifests.Single("Deployment"), "spec", "template", "spec")!;

        var violations = level switch
        {
            "restricted" => BaselineViolations(pod).Concat(RestrictedViolations(pod)).ToList(),
            "baseline" => BaselineViolations(pod).ToList(),
            "privileged" => [],
            _ => [$"the namespace enforces '{level ?? "(no label)"}', not one of restricted, baseline, privileged"],
        };

        Assert.True(violations.Count == 0, $"{overlay} (namespace enforces {level}):\n" + string.Join("\n", violations));
    }

    /// <summary>What the shipped overlays default to: restricted everywhere (no overlay needs host access).</summary>
    [Theory]
    [EachOverlay]
    public async Task EveryOverlaysNamespaceIsRestricted(string overlay)
    {
        var manifests = await RenderAsync(overlay);
        Assert.Equal("restricted", Str(manifests.Single("Namespace"), "metadata", "labels", "pod-security.kubernetes.io/enforce"));
    }

    private static IEnumerable<YamlNode> Containers(YamlNode pod) =>
        Items(pod, "initContainers").Concat(Items(pod, "containers")).Concat(Items(pod, "ephemeralContainers"));

    // Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards), the
    // checks that apply to what we ship.

    private static readonly HashSet<string> BaselineCapabilities =
    [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ];

    private static readonly HashSet<string> RestrictedVolumeTypes =
        ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    public static IEnumerable<string> BaselineViolations(YamlNode pod)
    {
        foreach (var host in new[] { "hostNetwork", "hostPID", "hostIPC" })
            if (Str(pod, host) == "true") yield return $"{host}: true";
        foreach (var v in Items(pod, "volumes"))
            if (At(v, "hostPath") is not null) yield return $"volume {Str(v, "name")} is a hostPath";
        if (Str(pod, "securityContext", "seccompProfile", "type") == "Unconfined") yield return "pod seccompProfile Unconfined";
        foreach (var c in Containers(pod))
        {
            var name = Str(c, "name");
            if (Str(c, "securityContext", "privileged") == "true") yield return $"container {name} is privileged";
            foreach (var cap in Items(c, "securityContext", "capabilities", "add").Select(n => n.ToString()))
                if (!BaselineCapabilities.Contains(cap)) yield return $"container {name} adds capability {cap}";
            if (Items(c, "ports").Any(p => Str(p, "hostPort") is { } hp && hp != "0")) yield return $"container {name} uses a hostPort";
            if (Str(c, "securityContext", "seccompProfile", "type") == "Unconfined") yield return $"container {name} seccompProfile Unconfined";
        }
    }

    public static IEnumerable<string> RestrictedViolations(YamlNode pod)
    {
        foreach (var v in Items(pod, "volumes").Cast<YamlMappingNode>())
        {
            var type = v.Children.Keys.Select(k => k.ToString()).FirstOrDefault(k => k != "name");
            if (type is null || !RestrictedVolumeTypes.Contains(type)) yield return $"volume {Str(v, "name")} is of type {type}, not allowed";
        }
        var podNonRoot = Str(pod, "securityContext", "runAsNonRoot");
        var podSeccomp = Str(pod, "securityContext", "seccompProfile", "type");
        if (Str(pod, "securityContext", "runAsUser") == "0") yield return "pod runAsUser 0";
        foreach (var c in Containers(pod))
        {
            var name = Str(c, "name");
            if (Str(c, "securityContext", "allowPrivilegeEscalation") != "false") yield return $"container {name}: allowPrivilegeEscalation is not false";
            var nonRoot = Str(c, "securityContext", "runAsNonRoot") ?? podNonRoot;
            if (nonRoot != "true") yield return $"container {name}: runAsNonRoot is not true";
            if (Str(c, "securityContext", "runAsUser") == "0") yield return $"container {name}: runAsUser 0";
            var seccomp = Str(c, "securityContext", "seccompProfile", "type") ?? podSeccomp;
            if (seccomp is not ("RuntimeDefault" or "Localhost")) yield return $"container {name}: seccompProfile is {seccomp ?? "unset"}";
            if (!Items(c, "securityContext", "capabilities", "drop").Any(n => n.ToString() == "ALL")) yield return $"container {name} does not drop ALL capabilities";
            foreach (var cap in Items(c, "securityContext", "capabilities", "add").Select(n => n.ToString()))
                if (cap != "NET_BIND_SERVICE") yield return $"container {name} adds capability {cap}";
        }
    }
}
