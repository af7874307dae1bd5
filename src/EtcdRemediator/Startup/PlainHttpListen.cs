namespace EtcdRemediator.Startup;

/// <summary>
/// The service listens on plain HTTP: it is built without Kestrel's HTTPS configuration (the slim builder, issue 40), so
/// an https:// listen address would stop the start deep inside Kestrel with a stack trace. Said here instead, naming the
/// setting, before the host starts.
/// </summary>
internal static class PlainHttpListen
{
    /// <summary>Why the configured listen addresses cannot be served, or null when they can.</summary>
    public static string? Refusal(IConfiguration configuration)
    {
        const string instead = "the service serves plain http only: listen on http:// and put TLS in front of it (an ingress, a service mesh)";
        var https = (configuration[WebHostDefaults.ServerUrlsKey] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(url => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (https is not null) return $"listen address '{https}' (--urls or ASPNETCORE_URLS) is https://, but {instead}.";
        var ports = configuration[WebHostDefaults.HttpsPortsKey];
        return string.IsNullOrWhiteSpace(ports) ? null : $"ASPNETCORE_HTTPS_PORTS '{ports}' asks for https, but {instead}.";
    }
}
