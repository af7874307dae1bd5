using EtcdRemediator.Startup;
using Microsoft.Extensions.Configuration;

namespace EtcdRemediator.Tests.Configuration;

/// <summary>
/// The native binary has no Kestrel HTTPS configuration (the slim builder): an https listen address, from Kestrel's
/// Endpoints section, urls or https_ports, is refused before the host starts, naming the setting, where Kestrel would
/// have used it (its Endpoints before urls, urls before the ports); plain http passes.
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
        Assert.StartsWith("listen address 'HTTPS://[::1]:8443' (urls: --urls, ASPNETCORE_URLS or DOTNET_URLS) is https://",
            RefusalOf(("urls", "http://127.0.0.1:8080; HTTPS://[::1]:8443")));

    [Fact]
    public void HttpsPortsAreNamed() =>
        Assert.StartsWith("https_ports '8443' (ASPNETCORE_HTTPS_PORTS, DOTNET_HTTPS_PORTS or --https_ports) asks for https",
            RefusalOf(("https_ports", "8443")));

    [Fact]
    public void HttpsPortsBesideUrlsAreNotUsedSoPass() =>
        Assert.Null(RefusalOf(("urls", "http://127.0.0.1:8080"), ("https_ports", "8443")));

    [Fact]
    public void AnHttpsKestrelEndpointIsNamedAndTheUrlsItOverridesAreNot()
    {
        Assert.StartsWith("Kestrel:Endpoints:Secure:Url 'https://0.0.0.0:8443' is https://",
            RefusalOf(("Kestrel:Endpoints:Plain:Url", "http://0.0.0.0:8080"), ("Kestrel:Endpoints:Secure:Url", "https://0.0.0.0:8443")));
        Assert.Null(RefusalOf(("Kestrel:Endpoints:Plain:Url", "http://0.0.0.0:8080"), ("urls", "https://0.0.0.0:8443")));
    }
}
