using System.Diagnostics;
using System.Net;
using EtcdRemediator.Auth;

namespace EtcdRemediator.Tests.Auth;

/// <summary>The wrong-token limiter (#38): guesses from many addresses, and what each failure costs.</summary>
public sealed class AuthFailuresTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));

    private AuthFailures Failures() => new(_time, Options.Create(new RemediatorOptions()));

    private static IPAddress Address(int i) => new([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);

    [Fact]
    public void GuessesFromSixteenThousandAddressesAreRefusedOnceTheTableIsFull()
    {
        var failures = Failures();
        var refused = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 16_000; i++)
        {
            if (failures.LockedFor(Address(i)) is not null) refused++;
            else failures.Failed(Address(i));
        }

        // The first 10,000 addresses have their own windows, one guess each; the others share one of 30.
        Assert.Equal(16_000 - AuthFailures.MaxAddresses - 30, refused);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"16,000 failures took {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void AnAddressLockedOutIsFreeAMinuteAfterItsFirstFailureAndTheTableEmptiesWithTime()
    {
        var failures = Failures();
        var guesser = IPAddress.Parse("192.0.2.7");
        for (var i = 0; i < 30; i++) failures.Failed(guesser);
        Assert.NotNull(failures.LockedFor(guesser));

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(failures.LockedFor(guesser)); // a window begun in the previous generation still holds
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(failures.LockedFor(guesser));

        for (var i = 0; i < AuthFailures.MaxAddresses + 100; i++) failures.Failed(Address(i));
        _time.Advance(TimeSpan.FromMinutes(2));
        failures.Failed(IPAddress.Parse("192.0.2.8"));
        // The full table went with its generations: an address past it has a window of its own again.
        Assert.Null(failures.LockedFor(Address(AuthFailures.MaxAddresses + 50)));
    }

    [Fact]
    public void AnIPv6HostIsOneAddressWhateverItsLast64BitsSay()
    {
        var failures = Failures();
        for (var i = 0; i < 30; i++) failures.Failed(IPAddress.Parse($"2001:db8:1:2::{i + 1:x}"));

        Assert.NotNull(failures.LockedFor(IPAddress.Parse("2001:db8:1:2:ffff::1")));
        Assert.Null(failures.LockedFor(IPAddress.Parse("2001:db8:1:3::1")));
    }
}
