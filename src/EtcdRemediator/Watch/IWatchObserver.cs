namespace EtcdRemediator.Watch;

/// <summary>
/// Told of each watch reading once it is recorded: features that keep or derive from the readings
/// (the history, forecasts) register one, and the watch need not know them.
/// </summary>
internal interface IWatchObserver
{
    Task ObserveAsync(WatchReading reading, CancellationToken cancellationToken);
}
