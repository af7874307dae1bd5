using EtcdRemediator.Etcd;

namespace EtcdRemediator.History;

/// <summary>
/// One member as the watch read it (or an hour's mean of such readings): what a chart and a forecast
/// need. <see cref="Alarms"/> is a set of bits (<see cref="AlarmBits"/>), so an hour's mean keeps
/// every alarm seen in it.
/// </summary>
/// <param name="At">The wall clock's time when read.</param>
/// <param name="ClockEpoch">How many steps back of the wall clock the recorder had seen for the cluster when it kept the
/// reading: readings go in arrival order by epoch, then time (<see cref="HistoryRecorder"/>).</param>
internal sealed record MemberSample(
    ulong MemberId, string MemberName, DateTimeOffset At, long DbSize, long DbSizeInUse, long Quota, bool Leader, int Alarms,
    int ClockEpoch = 0);

internal static class AlarmBits
{
    public const int NoSpace = 1, Corrupt = 2;

    public static int Of(IEnumerable<EtcdAlarm> alarms) =>
        alarms.Aggregate(0, (bits, a) => bits | a.Kind switch { AlarmKind.NoSpace => NoSpace, AlarmKind.Corrupt => Corrupt, _ => 0 });

    public static IReadOnlyList<string> Names(int bits) =>
        [.. new[] { (NoSpace, "NOSPACE"), (Corrupt, "CORRUPT") }.Where(x => (bits & x.Item1) != 0).Select(x => x.Item2)];
}
