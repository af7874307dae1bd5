using EtcdRemediator.History;

namespace EtcdRemediator.Forecasting;

/// <summary>
/// Pure: a member's history over <c>Forecast:Window</c> -> when its file reaches the quota, and why.
///
/// Method. Two least-squares lines, each on the part of the history where it is not fooled:
/// - the file, on the samples since its last drop. bbolt's file only grows, except when it is
///   defragmented: a drop is a defrag, and what came before it says nothing about the file now.
///   Fitted across a drop (or differenced, as etcd-mixin's etcdExcessiveDatabaseGrowth once did
///   with increase(), until etcd PR 14196 moved it to predict_linear) a defrag reads as shrinking or,
///   worse, as growth.
/// - the data in use, on the whole window. A defrag does not change it; compaction takes it down
///   in steps, and those steps are part of its real trend, which a fit over the window averages.
/// The file can never be smaller than the data in use, so the quota is reached at the earlier of
/// the two lines' crossings. Cause: "data" when the data in use grows at least half as fast as the
/// file (or the file is flat and the data alone rises toward the quota): a defrag would not help;
/// else "fragmentation". A line rises when its slope is above three times its standard error: noise
/// around a flat line is no growth. No forecast (null) when neither line rises, when the crossing is more
/// than <see cref="Farthest"/> away, or with too little history: fewer than <see cref="MinSamples"/>
/// samples or less than a twelfth of the window.
///
/// Clock steps. The history is in arrival order: clock epoch, then time (a step back of the wall clock
/// starts an epoch, <see cref="HistoryRecorder"/>). Each earlier epoch is moved back by the step that
/// ended it, so that it ends where the next one begins: one time line that only runs forward, on which
/// both fits go on across the step. Simplest of the correct ways: fitting only the readings since the
/// step would leave no forecast for a twelfth of the window after each step, and ordering by the clock's
/// times would interleave readings taken a step apart. The step seen is the true one less the time between
/// the two readings, so the older readings sit that much too late: one watch interval (or the downtime, when
/// the service was down across the step), which the fits barely feel.
/// </summary>
internal static class Forecaster
{
    public const int MinSamples = 3;
    /// <summary>A drop of the file by more than this share is a defrag.</summary>
    public const double DropShare = 0.05;
    public static readonly TimeSpan Farthest = TimeSpan.FromDays(365);

    public static MemberForecast? Of(IReadOnlyList<MemberSample> history, DateTimeOffset now, TimeSpan window)
    {
        var samples = OnOneTimeLine(history).Where(s => s.At > now - window && s.At <= now).ToList();
        if (!Enough(samples, window) || samples[^1].Quota <= 0) return null;
        var quota = samples[^1].Quota;

        var inUse = LinearFit.Of([.. samples.Select(s => (s.At, (double)s.DbSizeInUse))]);
        var sinceDrop = samples.Skip(LastDrop(samples)).ToList();
        LinearFit? file = Enough(sinceDrop, window) ? LinearFit.Of([.. sinceDrop.Select(s => (s.At, (double)s.DbSize))]) : null;

        var byFile = Crossing(file, quota, now, samples[^1].DbSize);
        var byData = Crossing(inUse, quota, now, samples[^1].DbSizeInUse);
        if (Earlier(byFile, byData) is not { } reachedAt || reachedAt - now > Farthest) return null;

        var fileSlope = file?.Slope ?? 0;
        var cause = inUse.Rises && (inUse.Slope >= fileSlope / 2 || byFile is null) ? ForecastCause.Data : ForecastCause.Fragmentation;
        return new MemberForecast(reachedAt, cause, Math.Round(fileSlope * 3600), Math.Round(inUse.Slope * 3600), quota);
    }

    /// <summary>Arrival order, each earlier clock epoch moved back by the steps that came after it (class remarks).</summary>
    private static List<MemberSample> OnOneTimeLine(IReadOnlyList<MemberSample> history)
    {
        var ordered = history.OrderBy(s => s.ClockEpoch).ThenBy(s => s.At).ToList();
        var shift = TimeSpan.Zero;
        for (var i = ordered.Count - 2; i >= 0; i--)
        {
            // An epoch's last reading: it and every earlier one move back so that it meets the next epoch's first (already moved).
            if (ordered[i].ClockEpoch != ordered[i + 1].ClockEpoch && ordered[i].At - shift > ordered[i + 1].At)
                shift = ordered[i].At - ordered[i + 1].At;
            if (shift > TimeSpan.Zero) ordered[i] = ordered[i] with { At = ordered[i].At - shift };
        }
        return ordered;
    }

    private static bool Enough(List<MemberSample> samples, TimeSpan window) =>
        samples.Count >= MinSamples && samples[^1].At - samples[0].At >= window / 12;

    /// <summary>Index of the first sample after the last drop (0 when the file never dropped).</summary>
    private static int LastDrop(List<MemberSample> samples)
    {
        for (var i = samples.Count - 1; i > 0; i--)
            if (samples[i].DbSize < samples[i - 1].DbSize * (1 - DropShare)) return i;
        return 0;
    }

    /// <summary>When the line reaches the quota: now when the latest reading already has, null when it does not rise.</summary>
    private static DateTimeOffset? Crossing(LinearFit? line, long quota, DateTimeOffset now, long latest)
    {
        if (latest >= quota) return now;
        if (line is not { Rises: true } l) return null;
        var seconds = (quota - l.At(now)) / l.Slope;
        return seconds <= 0 ? now : seconds > Farthest.TotalSeconds ? now + Farthest + TimeSpan.FromSeconds(1) : now + TimeSpan.FromSeconds(seconds);
    }

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
