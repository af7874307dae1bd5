using EtcdRemediator.Etcd.Wire;
using Grpc.Core;
using Grpc.Net.Client;

namespace EtcdRemediator.Etcd.V3;

/// <summary>
/// etcd's auth: a token from Authenticate, sent as the "token" metadata on every call. Tokens expire
/// (simple tokens after --auth-token-ttl of disuse): a call refused as unauthenticated gets one new
/// token and one more try. Without a username this adds nothing.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001",
    Justification = "A SemaphoreSlim whose wait handle is never asked for holds nothing to release; the token lives as long as its cluster client.")]
internal sealed class EtcdAuthToken(EtcdLogin? login, TimeProvider time)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _token;

    public bool Enabled => login is not null;

    public async Task<T> CallAsync<T>(GrpcChannel channel, Func<Metadata?, Task<T>> call, CancellationToken cancellationToken)
    {
        if (!Enabled) return await call(null);
        var token = await TokenAsync(channel, null, cancellationToken);
        try
        {
            return await call(new Metadata { { "token", token } });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
        {
            return await call(new Metadata { { "token", await TokenAsync(channel, token, cancellationToken) } });
        }
    }

    /// <summary>The current token; a new one when <paramref name="rejected"/> is the current one.</summary>
    public async Task<string> TokenAsync(GrpcChannel channel, string? rejected, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_token is null || _token == rejected)
            {
                var password = await login!.Password(cancellationToken);
                var reply = await new Wire.Auth.AuthClient(channel).AuthenticateAsync(
                    new AuthenticateRequest { Name = login.Username, Password = password },
                    deadline: time.GetUtcNow().UtcDateTime.AddSeconds(10), cancellationToken: cancellationToken);
                _token = reply.Token;
            }
            return _token;
        }
        finally
        {
            _lock.Release();
        }
    }
}
