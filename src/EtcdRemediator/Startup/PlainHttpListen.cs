namespace EtcdRemediator.Startup;

/// <summary>
/// The service listens on plain HTTP: it is built without Kestrel's HTTPS configuration (the slim builder, issue 40), so
/// an https listen address would stop the start deep inside Kestrel with a stack trace. Said here instead, naming the
/// setting, before the host starts. Kestrel's own precedence: its Endpoints section, else urls, else the ports.
/// </summary>
internal static class PlainHttpListen
{
    private const string Instead =
        "the service serves plain http only: listen on http:// and put TLS in front of it (an ingress, a service mesh)";

    /// <summary>Why the configured listen addresses cannot be served, or null when they can.</summary>
    public static string? Refusal(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        if (endpoints.Count > 0)
            return endpoints.FirstOrDefault(e => IsHttps(e["Url"])) is { } endpoint
                ? $"Kestrel:Endpoints:{endpoint.Key}:Url '{endpoint["Url"]}' is https://, but {Instead}."
                : null;
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (!string.IsNullOrWhiteSpace(urls))
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(IsHttps) is { } url
                ? $"listen address '{url}' (urls: --urls, ASPNETCORE_URLS or DOTNET_URLS) is https://, but {Instead}."
                : null;
        var ports = configuration[WebHostDefaults.HttpsPortsKey];
        return string.IsNullOrWhiteSpace(ports)
            ? null
            : $"https_ports '{ports}' (ASPNETCORE_HTTPS_PORTS, DOTNET_HTTPS_PORTS or --https_ports) asks for https, but {Instead}.";
    }

    private static bool IsHttps(string? url) => url?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;
}
