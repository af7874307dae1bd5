using System.Net.Sockets;

namespace EtcdRemediator.IntegrationTests.Benchmarks;

/// <summary>
/// The intake benchmark times "alert -> first etcd call" by when bytes reach a hanging member
/// (<see cref="BlackHole"/>). It once printed -7656 ms: it paired the alert with the connection the
/// service's warm-up had opened seconds before. Here the arithmetic is checked on a known delay.
/// </summary>
public sealed class ArrivalTimingTests
{
    private static readonly TimeSpan KnownDelay = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task BytesSentAKnownDelayAfterTheMarkAreTimedAtThatDelayNotAtTheEarlierConnection()
    {
        using var hole = new BlackHole();
        using var client = new TcpClient();
        var uri = new Uri(hole.Url);
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        var call = new byte[64];
        await stream.WriteAsync(call); // the warm-up's call, before the mark
        await Poll.UntilAsync(() => Task.FromResult(hole.FirstArrivalSince(0) is not null), TimeSpan.FromSeconds(10), "the first call to arrive");

        var mark = Stopwatch.GetTimestamp();
        Assert.Null(hole.FirstArrivalSince(mark));
        await stream.WriteAsync(new byte[17]); // an HTTP/2 PING frame: not a call
        await Task.Delay(KnownDelay); // the quantity measured, not a synchronisation
        var sent = Stopwatch.GetElapsedTime(mark); // the timer may fire a little early: the delay is what the clock says it was
        await stream.WriteAsync(call);
        var arrival = await Poll.UntilAsync(() => Task.FromResult(hole.FirstArrivalSince(mark)), at => at is not null,
            TimeSpan.FromSeconds(10), "the call after the mark");

        var measured = Stopwatch.GetElapsedTime(mark, arrival!.Value);
        Assert.True(sent > KnownDelay / 2, $"the delay was {sent.TotalMilliseconds} ms");
        Assert.InRange(measured, sent, sent + TimeSpan.FromSeconds(2));
    }
}
