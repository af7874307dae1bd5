namespace EtcdRemediator.IntegrationTests.Etcd;

/// <summary>One defragmentation as etcd itself logged it: "starting defragment" .. "finished defragment".</summary>
public sealed record DefragWindow(string Member, DateTimeOffset Started, DateTimeOffset Finished);

internal static class DefragEvidence
{
    public static IReadOnlyList<DefragWindow> Windows(EtcdTestCluster cluster) =>
        [.. cluster.Members.SelectMany(m =>
        {
            var starts = m.Log.Where(l => l.Message == "starting defragment").Select(l => l.Time).ToList();
            var ends = m.Log.Where(l => l.Message == "finished defragment").Select(l => l.Time).ToList();
            return starts.Zip(ends, (s, e) => new DefragWindow(m.Name, s, e));
        }).OrderBy(w => w.Started)];

    /// <summary>No two defragmentations overlapped in time.</summary>
    public static void AssertSequential(IReadOnlyList<DefragWindow> windows)
    {
        for (var i = 1; i < windows.Count; i++)
            Assert.True(windows[i - 1].Finished <= windows[i].Started,
                $"{windows[i - 1].Member} finished at {windows[i - 1].Finished:O} after {windows[i].Member} started at {windows[i].Started:O}");
    }
}
