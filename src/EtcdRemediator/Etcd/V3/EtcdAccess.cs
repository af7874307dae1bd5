using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Credentials;

namespace EtcdRemediator.Etcd.V3;

/// <summary>
/// How the v3 client reaches a cluster, apart from the client itself: the endpoints and where the
/// credentials come from. The configured PEM files and password are one source
/// (<see cref="FromOptions"/>); a backend that reads them elsewhere (a Kubernetes Secret, an API)
/// gives its own and reuses <see cref="EtcdGrpcCluster"/> as it is.
/// </summary>
/// <param name="Tls">Reads the client certificate and CAs; called again when a watched file changes.</param>
/// <param name="CredentialFiles">Files whose change means new credentials (none for a source that is not files).</param>
/// <param name="Login">etcd auth, where the cluster has it enabled.</param>
/// <param name="Backend">The backend's name, for people (the cluster list, step details).</param>
internal sealed record EtcdAccess(string ClusterName, IReadOnlyList<string> Endpoints, Func<TlsMaterial> Tls,
    IReadOnlyList<string> CredentialFiles, EtcdLogin? Login, string Backend = ClusterOptions.DefaultBackend)
{
    public static EtcdAccess FromOptions(ClusterOptions options) => new(
        options.Name,
        options.Endpoints,
        () => TlsMaterial.FromFiles(options.Tls),
        TlsMaterial.FilesOf(options.Tls),
        options.Username is { } user
            ? new EtcdLogin(user, async ct => options.Password ?? (await File.ReadAllTextAsync(options.PasswordFile!, ct)).Trim())
            : null);
}

/// <summary>An etcd user, and its password read when a token is needed (a mounted secret may change meanwhile).</summary>
internal sealed record EtcdLogin(string Username, Func<CancellationToken, Task<string>> Password);
