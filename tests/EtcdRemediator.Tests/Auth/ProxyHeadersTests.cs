using EtcdRemediator.Auth;
using Microsoft.AspNetCore.Http;

namespace EtcdRemediator.Tests.Auth;

public sealed class ProxyHeadersTests
{
    [Theory]
    [InlineData("Forwarded")]
    [InlineData("Via")]
    [InlineData("X-Forwarded-For")]
    [InlineData("x-forwarded-host")]
    [InlineData("X-Original-For")]
    [InlineData("X-Real-IP")]
    // Set by CDNs and load balancers instead of X-Forwarded-For: once not refused (#38).
    [InlineData("X-Client-IP")]
    [InlineData("True-Client-IP")]
    [InlineData("cf-connecting-ip")]
    [InlineData("Fastly-Client-IP")]
    [InlineData("X-Cluster-Client-IP")]
    [InlineData("X-Envoy-External-Address")]
    public void EachHeaderAProxySetsForTheClientsAddressMarksTheRequestAsProxied(string header)
    {
        var headers = new HeaderDictionary { ["Accept"] = "application/json", [header] = "127.0.0.1" };

        Assert.Equal(header, ProxyHeaders.FirstIn(headers));
    }

    [Fact]
    public void ADirectRequestCarriesNoMark()
    {
        var headers = new HeaderDictionary { ["Accept"] = "text/plain", ["User-Agent"] = "curl/8.5.0", ["X-Request-Id"] = "1" };

        Assert.Null(ProxyHeaders.FirstIn(headers));
    }
}
