using EtcdRemediator.Remediation.Coordination;

namespace EtcdRemediator.Tests.Remediation;

public sealed class RunQueueTests
{
    /// <summary>A queue holding <paramref name="runs"/>, enqueued in this order.</summary>
    private static RunQueue Queued(params (string Id, RemediationAction Action)[] runs)
    {
        var queue = new RunQueue();
        foreach (var (id, action) in runs) queue.Enqueue(id, action);
        return queue;
    }

    private static async Task<List<string>> DrainAsync(RunQueue queue, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++) ids.Add(await queue.DequeueAsync(CancellationToken.None));
        return ids;
    }

    [Fact]
    public async Task ARecoverGoesBeforeEverythingThatWasQueuedEarlier()
    {
        using var queue = Queued(("snapshot-1", RemediationAction.Snapshot), ("defrag-1", RemediationAction.Defrag),
            ("defrag-2", RemediationAction.Defrag), ("recover-1", RemediationAction.Recover));

        Assert.Equal(["recover-1", "defrag-1", "defrag-2", "snapshot-1"], await DrainAsync(queue, 4));
    }

    [Fact]
    public async Task ARunRaisedToRecoverWhileQueuedMovesUp()
    {
        using var queue = Queued(("a", RemediationAction.Defrag), ("b", RemediationAction.Defrag));
        queue.Raise("b", RemediationAction.Recover);

        Assert.Equal(["b", "a"], await DrainAsync(queue, 2));
    }
}
