using System.Net;
using EtcdRemediator.Auth;

namespace EtcdRemediator.Tests.Auth;

/// <summary>Refusals are logged a few lines per address and minute, then one line with the count (#38).</summary>
public sealed class RefusalLogTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<RefusalLog> _logger = new();

    [Fact]
    public void AFloodFromOneAddressWritesThreeLinesAndAtTheMinutesEndOneWithTheCount()
    {
        using var log = new RefusalLog(_time, _logger);
        var flood = IPAddress.Parse("192.0.2.1");
        for (var i = 0; i < 3000; i++) log.Refused(flood, "GET /api/v1/clusters", "no token");
        log.Refused(IPAddress.Parse("192.0.2.2"), "GET /api/v1/clusters", "no token");

        Assert.Equal(RefusalLog.PerAddress + 1, _logger.Warnings.Count);
        _time.Advance(RefusalLog.Window);

        var summary = Assert.Single(_logger.Warnings.Skip(RefusalLog.PerAddress + 1));
        Assert.Contains("Refused 2997 more", summary, StringComparison.Ordinal);
        Assert.Contains("192.0.2.1 3000", summary, StringComparison.Ordinal);
        _time.Advance(RefusalLog.Window);
        Assert.Equal(RefusalLog.PerAddress + 2, _logger.Warnings.Count); // a quiet minute says nothing
        log.Refused(flood, "GET /api/v1/clusters", "no token");
        Assert.Equal(RefusalLog.PerAddress + 3, _logger.Warnings.Count); // a new minute, new lines
    }

    [Fact]
    public void ManyAddressesShareOneBudgetOfLinesAMinuteAndABoundedTable()
    {
        using var log = new RefusalLog(_time, _logger);
        for (var i = 0; i < 20_000; i++) log.Refused(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), "GET /", "no token");

        Assert.Equal(RefusalLog.PerMinute, _logger.Warnings.Count);
        _time.Advance(RefusalLog.Window);
        var summary = _logger.Warnings[^1];
        Assert.Contains($"Refused {20_000 - RefusalLog.PerMinute} more", summary, StringComparison.Ordinal);
        Assert.Contains($"more past {RefusalLog.MaxAddresses}", summary, StringComparison.Ordinal);
    }
}
