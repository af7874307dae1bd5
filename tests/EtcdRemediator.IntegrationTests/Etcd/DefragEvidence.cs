namespace EtcdRemediator.IntegrationTests.Etcd;

/// <summary>One defragmentation as etcd itself logged it: "starting defragment" .. "finished defragment".</summary>
public sealed record DefragWindow(string Member, DateTimeOffset Started, DateTimeOffset Finished);

internal static class DefragEvidence
{
    public static IReadOnlyList<DefragWindow> Windows(EtcdTestCluster cluster) => Read(cluster).Windows;

    /// <summary>
    /// One read of every member's log: the finished windows and whether a defragment is still running come from the same
    /// lines (read twice, a defragment that finished between the reads was neither: a wait for "none running" then
    /// returned windows without it, seen once on a loaded machine).
    /// </summary>
    public static (IReadOnlyList<DefragWindow> Windows, bool Running) Read(EtcdTestCluster cluster)
    {
        var running = false;
        List<DefragWindow> windows = [];
        foreach (var m in cluster.Members)
        {
            var log = m.Log;
            var starts = log.Where(l => l.Message == "starting defragment").Select(l => l.Time).ToList();
            var ends = log.Where(l => l.Message == "finished defragment").Select(l => l.Time).ToList();
            running |= starts.Count > ends.Count;
            windows.AddRange(starts.Zip(ends, (s, e) => new DefragWindow(m.Name, s, e)));
        }
        return ([.. windows.OrderBy(w => w.Started)], running);
    }

    /// <summary>No two defragmentations overlapped in time.</summary>
    public static void AssertSequential(IReadOnlyList<DefragWindow> windows)
    {
        for (var i = 1; i < windows.Count; i++)
            Assert.True(windows[i - 1].Finished <= windows[i].Started,
                $"{windows[i - 1].Member} finished at {windows[i - 1].Finished:O} after {windows[i].Member} started at {windows[i].Started:O}");
    }
}
