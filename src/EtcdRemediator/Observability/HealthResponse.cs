using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EtcdRemediator.Observability;

/// <summary>/readyz as JSON: overall status and each check with its description and data.</summary>
public static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description, e.Value.Data }),
        }, System.Text.Json.JsonSerializerOptions.Web));
    }
}
