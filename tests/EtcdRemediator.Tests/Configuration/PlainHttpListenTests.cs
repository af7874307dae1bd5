using EtcdRemediator.Startup;
using Microsoft.Extensions.Configuration;

namespace EtcdRemediator.Tests.Configuration;

/// <summary>
/// The native binary has no Kestrel HTTPS configuration (the slim builder): an https listen address, in any of the ways
/// ASP.NET Core takes one, is refused before the host starts, naming the setting; plain http passes.
/// </summary>
public sealed class PlainHttpListenTests
{
    private static string? RefusalOf(params (string Key, string Value)[] settings) =>
        PlainHttpListen.Refusal(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://[::1]:8080;http://127.0.0.1:8081")]
    [InlineData("http://+:8080")]
    public void PlainHttpPasses(string urls) => Assert.Null(RefusalOf(("urls", urls)));

    [Fact]
    public void NothingConfiguredPasses() => Assert.Null(RefusalOf());

    [Fact]
    public void AnHttpsUrlAmongSeveralIsNamed() =>
        Assert.StartsWith("listen address 'HTTPS://[::1]:8443' (--urls or ASPNETCORE_URLS) is https://",
            RefusalOf(("urls", "http://127.0.0.1:8080; HTTPS://[::1]:8443")));

    [Fact]
    public void HttpsPortsAreNamed() =>
        Assert.StartsWith("ASPNETCORE_HTTPS_PORTS '8443' asks for https", RefusalOf(("https_ports", "8443")));
}
