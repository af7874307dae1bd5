using System.Diagnostics.Metrics;
using EtcdRemediator.Calendar;
using EtcdRemediator.Observability;
using EtcdRemediator.Remediation.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>
/// The coordinator as the service builds it, on a real SQLite file in a folder of its own and a fake
/// clock, with no worker: runs stay queued until a test begins them. Restart() is a process restart.
/// </summary>
internal sealed class CoordinatorHarness : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-").FullName;

    public CoordinatorHarness(RemediatorOptions options, DateTimeOffset now)
    {
        Time = new FakeTimeProvider(now);
        Options = Microsoft.Extensions.Options.Options.Create(options with { Storage = options.Storage with { Path = Path.Combine(_dir, "runs.db") } });
        Calendar = new MaintenanceCalendar(Options.Value.Clusters);
        Database = new RemediatorDatabase(Options);
        Store = new RunStore(Database);
        Coordinator = NewCoordinator();
    }

    public FakeTimeProvider Time { get; }
    public IOptions<RemediatorOptions> Options { get; }
    public MaintenanceCalendar Calendar { get; }
    public RemediatorDatabase Database { get; }
    public RunStore Store { get; }
    public RemediationCoordinator Coordinator { get; private set; }

    public Task OpenAsync() => Store.OpenAsync(CancellationToken.None);

    /// <summary>A new coordinator on the same store, recovered from it, at <paramref name="at"/> when given.</summary>
    public async Task RestartAsync(DateTimeOffset? at = null)
    {
        Coordinator.Dispose();
        if (at is { } t) Time.SetUtcNow(t);
        Coordinator = NewCoordinator();
        await Coordinator.RecoverAsync(CancellationToken.None);
    }

    /// <summary>What the cluster's alarm list says when a recover asks whether NOSPACE is raised.</summary>
    public FakeNoSpace NoSpace { get; } = new();

    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    /// <summary>The service's instruments, on a meter factory of this harness alone.</summary>
    public RemediatorTelemetry Telemetry => _telemetry ??= new RemediatorTelemetry(_metrics.GetRequiredService<IMeterFactory>(), $"test-{_dir}");
    private RemediatorTelemetry? _telemetry;

    private RemediationCoordinator NewCoordinator() =>
        new(Store, Options, Calendar, Time, NoSpace, Telemetry, NullLogger<RemediationCoordinator>.Instance);

    public ValueTask DisposeAsync()
    {
        Coordinator.Dispose();
        _telemetry?.Dispose();
        _metrics.Dispose();
        Database.Dispose();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The NOSPACE alarm as a switch, and how often it was read.</summary>
internal sealed class FakeNoSpace : INoSpaceProbe
{
    public bool Raised { get; set; }
    public int Reads { get; private set; }

    public Task<bool> RaisedAsync(string cluster, CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult(Raised);
    }
}
