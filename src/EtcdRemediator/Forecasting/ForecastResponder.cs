using System.Collections.Concurrent;
using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Watch;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Forecasting;

/// <summary>
/// Acts on the forecasts after each reading (registered after <see cref="ForecastBook"/>): a defrag
/// early (trigger kind <c>forecast</c>, the whole routine with its gates, cooldown and breaker) when
/// Watch:Remediate lets the watch act, and a log line, once per member and verdict, when a defrag
/// would not help. The run must start by the quota date: a window that opens later does not hold it.
/// </summary>
internal sealed class ForecastResponder(ForecastBook book, RemediationCoordinator coordinator, IOptions<RemediatorOptions> options,
    ILogger<ForecastResponder> logger) : IWatchObserver
{
    private readonly ConcurrentDictionary<(string Cluster, ulong Member), ForecastVerdict> _told = new();

    public async Task ObserveAsync(WatchReading reading, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = reading.State.ReadAt;
        var early = new List<(string Member, MemberForecast Forecast, ForecastDecision Decision)>();
        foreach (var m in reading.State.Voting.Where(m => m.Status is not null))
        {
            var forecast = book.Of(reading.State.Cluster, m.Member.Id);
            var decision = forecast is null ? new ForecastDecision(ForecastVerdict.Nothing, "")
                : ForecastRule.Decide(forecast, m.Status!.DbSizeInUse, o.Policy, o.Forecast.Horizon, now);
            if (decision.Verdict == ForecastVerdict.DefragEarly) early.Add((m.Member.Name, forecast!, decision));
            // Said once per member and verdict: every reading would find the same.
            var key = (reading.State.Cluster, m.Member.Id);
            if (_told.TryGetValue(key, out var before) && before == decision.Verdict) continue;
            _told[key] = decision.Verdict;
            if (decision.Verdict == ForecastVerdict.Tell)
                logger.LogWarning("Forecast for {Cluster}: member {Member} {Why}", reading.State.Cluster, m.Member.Name, decision.Why);
        }
        if (early.Count == 0 || !o.Watch.Remediate) return;

        var first = early.MinBy(e => e.Forecast.QuotaReachedAt);
        var result = await coordinator.SubmitAsync(new RunRequest(reading.State.Cluster, RemediationAction.Defrag, DryRun: false, Force: false,
            new RunTrigger(TriggerKind.Forecast, $"member {first.Member} {first.Decision.Why}"),
            IgnoreThresholds: true, MustStartBy: first.Forecast.QuotaReachedAt), cancellationToken);
        var level = result.Disposition is Disposition.Started or Disposition.Deferred ? LogLevel.Information : LogLevel.Debug;
        logger.Log(level, "Forecast for {Cluster}: member {Member} {Why}: {Disposition} {RunId}", reading.State.Cluster, first.Member,
            first.Decision.Why, result.Disposition.ToName(), result.Run?.Id);
    }
}
