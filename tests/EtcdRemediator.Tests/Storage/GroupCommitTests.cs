namespace EtcdRemediator.Tests.Storage;

/// <summary>Writes that arrive together share a commit, and every one of them is on disk when its caller hears back.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-db-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private RemediatorDatabase Open()
    {
        var db = new RemediatorDatabase(Options.Create(new RemediatorOptions { Storage = new StorageOptions { Path = Path.Combine(_dir, "runs.db") } }));
        db.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        return db;
    }

    private static RunRecord Run(int i) => new()
    {
        Id = $"r-{i:D5}",
        Cluster = $"c{i % 7}",
        Action = RemediationAction.Defrag,
        Trigger = new RunTrigger(TriggerKind.Alert, "storm"),
        CreatedAt = DateTimeOffset.UnixEpoch.AddSeconds(i),
    };

    [Fact]
    public async Task ThousandsOfConcurrentWritesAreAllThereAfterAReopen()
    {
        using (var db = Open())
        {
            var store = new RunStore(db);
            await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i => Task.Run(() => store.SaveAsync(Run(i), CancellationToken.None))));
        }

        using var reopened = Open();
        var runs = await new RunStore(reopened).ListAsync(null, 5_000, CancellationToken.None);
        Assert.Equal(2_000, runs.Count);
        Assert.Equal(2_000, runs.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task WritesThatArriveWhileACommitIsUnderWayShareTheNextOne()
    {
        using var db = Open();
        var store = new RunStore(db);
        using var inCommit = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var before = db.Commits;

        // The writer is held inside a transaction (its bind runs on the writer's thread) ...
        var held = db.WriteAsync("INSERT INTO schedule_marks (key, due_at) VALUES ('held', 'x')", _ =>
        {
            inCommit.Set();
            release.Wait();
        }, CancellationToken.None);
        Assert.True(inCommit.Wait(TimeSpan.FromSeconds(10)), "the writer took the first write");
        // ... while 100 runs are saved: they queue up behind it.
        var waiting = Enumerable.Range(0, 100).Select(i => store.SaveAsync(Run(i), CancellationToken.None)).ToList();
        release.Set();
        await held;
        await Task.WhenAll(waiting);

        Assert.Equal(2, db.Commits - before); // the held write's commit, then one for all 100
        Assert.Equal(100, (await store.ListAsync(null, 500, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ABadWriteFailsAloneAndItsNeighboursAreCommitted()
    {
        using var db = Open();
        var store = new RunStore(db);

        var good = Enumerable.Range(0, 50).Select(i => store.SaveAsync(Run(i), CancellationToken.None)).ToList();
        var bad = db.WriteAsync("INSERT INTO no_such_table VALUES (1)", _ => { }, CancellationToken.None);
        good.AddRange(Enumerable.Range(50, 50).Select(i => store.SaveAsync(Run(i), CancellationToken.None)));

        await Task.WhenAll(good);
        await Assert.ThrowsAnyAsync<Exception>(() => bad);
        Assert.Equal(100, (await store.ListAsync(null, 500, CancellationToken.None)).Count);
    }
}
