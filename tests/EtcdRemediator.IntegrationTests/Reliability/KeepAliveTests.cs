using EtcdRemediator.Etcd.Channels;
using EtcdRemediator.Etcd.Credentials;
using EtcdRemediator.IntegrationTests.Wire;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// Talos' apid sets no keep-alive policy, so gRPC-Go's default holds: at most one ping per 5 minutes,
/// and after two strikes GOAWAY `too_many_pings` cuts every call on the connection (a defragment of
/// a large database through apid waits minutes). An etcd member started with
/// --grpc-keepalive-min-time=5m enforces that same policy; a watch is a call that stays open.
/// </summary>
[StartsFirst]
public sealed class KeepAliveTests
{
    [Fact]
    public async Task ACallOpenForOverNinetySecondsThroughApidsPingPolicySurvivesWithTheTalosKeepAlive()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions
        {
            Members = 1,
            ExtraArguments = ["--grpc-keepalive-min-time=5m"],
        });
        await using var talos = new EtcdChannelPool(() => new TlsMaterial(null, null), keepAlive: EtcdKeepAlive.Apid);
        // The control: pinging as often as etcd itself allows gets the call cut, so the test can fail.
        await using var eager = new EtcdChannelPool(() => new TlsMaterial(null, null), keepAlive: EtcdKeepAlive.Etcd);
        var endpoint = cluster.Endpoints[0];

        using var apidLike = await WatchAsync(talos, endpoint);
        using var tooEager = await WatchAsync(eager, endpoint);
        var cut = tooEager.ResponseStream.MoveNext(CancellationToken.None);
        // The duration under test, not a synchronisation: grpc-go's third strike comes at about 80 s.
        await Task.Delay(TimeSpan.FromSeconds(95));
        await Tools.RunAsync("etcdctl", "--endpoints", endpoint, "put", "keepalive/probe", "after-95s");

        Assert.True(await apidLike.ResponseStream.MoveNext(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token), "the watch ended");
        Assert.Equal("after-95s", apidLike.ResponseStream.Current.Events.Single().Kv.Value.ToStringUtf8());
        var e = await Assert.ThrowsAsync<RpcException>(() => cut);
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode); // GOAWAY ENHANCE_YOUR_CALM "too_many_pings"
    }

    private static async Task<AsyncDuplexStreamingCall<WatchRequest, WatchResponse>> WatchAsync(EtcdChannelPool pool, string endpoint)
    {
        var call = new Wire.Watch.WatchClient(pool.For(endpoint)).Watch();
        await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8("keepalive/probe") } });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.True(call.ResponseStream.Current.Created);
        return call;
    }
}
