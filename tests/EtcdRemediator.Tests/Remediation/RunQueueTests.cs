using EtcdRemediator.Remediation.Coordination;

namespace EtcdRemediator.Tests.Remediation;

public sealed class RunQueueTests
{
    private static async Task<List<string>> DrainAsync(RunQueue queue, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++) ids.Add(await queue.DequeueAsync(CancellationToken.None));
        return ids;
    }

    [Fact]
    public async Task ARecoverGoesBeforeEverythingThatWasQueuedEarlier()
    {
        using var queue = new RunQueue();
        queue.Enqueue("snapshot-1", RemediationAction.Snapshot);
        queue.Enqueue("defrag-1", RemediationAction.Defrag);
        queue.Enqueue("defrag-2", RemediationAction.Defrag);
        queue.Enqueue("recover-1", RemediationAction.Recover);

        Assert.Equal(["recover-1", "defrag-1", "defrag-2", "snapshot-1"], await DrainAsync(queue, 4));
    }

    [Fact]
    public async Task ARunRaisedToRecoverWhileQueuedMovesUp()
    {
        using var queue = new RunQueue();
        queue.Enqueue("a", RemediationAction.Defrag);
        queue.Enqueue("b", RemediationAction.Defrag);
        queue.Raise("b", RemediationAction.Recover);

        Assert.Equal(["b", "a"], await DrainAsync(queue, 2));
    }
}
