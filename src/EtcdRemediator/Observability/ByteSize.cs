using System.Globalization;

namespace EtcdRemediator.Observability;

/// <summary>
/// Sizes as the status page writes them (app.js <c>bytes()</c>): powers of 1024 with their binary names, one decimal,
/// so that a run's reason, a step's detail, the terminal table and the page say the same number in the same unit.
/// </summary>
internal static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>"36.8 MiB"; "-" for no reading.</summary>
    public static string Short(long? bytes)
    {
        if (bytes is not { } n) return "-";
        double value = n;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{n} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    /// <summary>"36.8 MiB (38,625,280 bytes)": the unit to read, the exact count to compare with etcd's own figures.</summary>
    public static string Exact(long bytes) => Math.Abs(bytes) < 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes")
        : string.Create(CultureInfo.InvariantCulture, $"{Short(bytes)} ({bytes:N0} bytes)");
}
