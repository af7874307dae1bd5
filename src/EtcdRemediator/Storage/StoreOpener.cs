namespace EtcdRemediator.Storage;

/// <summary>
/// Opens (and locks) the store before any other hosted service starts: the retention's start-up
/// pruning and the coordinator's recovery both read it. A store held by another process stops the
/// start here (exit 3, see Hosting).
/// </summary>
internal sealed class StoreOpener(RemediatorDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
