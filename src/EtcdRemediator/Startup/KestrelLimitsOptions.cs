using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EtcdRemediator.Startup;

/// <summary>
/// <c>Kestrel:Limits:*</c>, the keys an operator sets (docs/http-api.md): bound into this type of our own rather than
/// into <see cref="KestrelServerOptions"/>, whose binding the configuration binding generator cannot emit (it writes
/// the obsolete-as-error <c>EnableAltSvc</c>, and service provider and loader properties it cannot create). Unset
/// keys leave Kestrel's value (or ours: <see cref="ConfigurationExtensions.MaxConnections"/>, the headers timeout).
/// </summary>
internal sealed class KestrelLimitsOptions
{
    public const string Section = "Kestrel:Limits";

    public long? MaxConcurrentConnections { get; set; }
    public long? MaxConcurrentUpgradedConnections { get; set; }
    public long? MaxRequestBodySize { get; set; }
    public long? MaxRequestBufferSize { get; set; }
    public long? MaxResponseBufferSize { get; set; }
    public int? MaxRequestHeaderCount { get; set; }
    public int? MaxRequestHeadersTotalSize { get; set; }
    public int? MaxRequestLineSize { get; set; }
    public TimeSpan? KeepAliveTimeout { get; set; }
    public TimeSpan? RequestHeadersTimeout { get; set; }

    public void ApplyTo(KestrelServerLimits limits)
    {
        if (MaxConcurrentConnections is { } connections) limits.MaxConcurrentConnections = connections;
        if (MaxConcurrentUpgradedConnections is { } upgraded) limits.MaxConcurrentUpgradedConnections = upgraded;
        if (MaxRequestBodySize is { } body) limits.MaxRequestBodySize = body;
        if (MaxRequestBufferSize is { } requestBuffer) limits.MaxRequestBufferSize = requestBuffer;
        if (MaxResponseBufferSize is { } responseBuffer) limits.MaxResponseBufferSize = responseBuffer;
        if (MaxRequestHeaderCount is { } headerCount) limits.MaxRequestHeaderCount = headerCount;
        if (MaxRequestHeadersTotalSize is { } headersSize) limits.MaxRequestHeadersTotalSize = headersSize;
        if (MaxRequestLineSize is { } lineSize) limits.MaxRequestLineSize = lineSize;
        if (KeepAliveTimeout is { } keepAlive) limits.KeepAliveTimeout = keepAlive;
        if (RequestHeadersTimeout is { } headers) limits.RequestHeadersTimeout = headers;
    }
}
