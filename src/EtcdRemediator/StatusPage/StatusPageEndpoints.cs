using System.Reflection;

namespace EtcdRemediator.StatusPage;

/// <summary>
/// GET / : a page for people during an incident. Static HTML, CSS and JavaScript embedded in the
/// assembly (no build step, no CDN); it reads the same JSON API as curl does, with the operator
/// token the user enters once (kept in sessionStorage). The files themselves hold no data, so they
/// are served without a token.
/// </summary>
internal static class StatusPageEndpoints
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/status-page/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/status-page/chart.js", "chart.js", "text/javascript; charset=utf-8"),
        ("/status-page/app.css", "app.css", "text/css; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder routes)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Read(resource);
            routes.MapGet(path, () => Results.Text(content, contentType)).ExcludeFromDescription();
        }
        return routes;
    }

    private static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"EtcdRemediator.StatusPage.{name}")
            ?? throw new InvalidOperationException($"status page file {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
