using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EtcdRemediator.Observability;

/// <summary>
/// /readyz as JSON: overall status and, for an operator, each check with its description and data
/// (clusters, members, endpoints and etcd's own error text). A probe needs only the status code and
/// the overall status; /readyz is unauthenticated.
/// </summary>
internal static class HealthResponse
{
    /// <summary>The operator role's name (Auth's AuthPolicies.Operator; Auth depends on nothing here).</summary>
    private const string OperatorRole = "operator";

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        object body = context.User.IsInRole(OperatorRole)
            ? new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description, e.Value.Data }),
            }
            : new { status = report.Status.ToString() };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, System.Text.Json.JsonSerializerOptions.Web));
    }
}
