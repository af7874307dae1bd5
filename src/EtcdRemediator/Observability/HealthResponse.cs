using System.Text.Json;
using System.Text.Json.Serialization;
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
        var json = context.User.IsInRole(OperatorRole)
            ? JsonSerializer.Serialize(new DetailedHealth(report.Status.ToString(),
                report.Entries.ToDictionary(e => e.Key, e => new HealthCheckView(e.Value.Status.ToString(), e.Value.Description, e.Value.Data))),
                HealthJson.Default.DetailedHealth)
            : JsonSerializer.Serialize(new PlainHealth(report.Status.ToString()), HealthJson.Default.PlainHealth);
        return context.Response.WriteAsync(json);
    }
}

/// <summary>What anyone sees of /readyz.</summary>
internal sealed record PlainHealth(string Status);

/// <summary>What an operator sees of /readyz: each check by name.</summary>
internal sealed record DetailedHealth(string Status, Dictionary<string, HealthCheckView> Checks);

/// <summary>One check; its data's values are the checks' own strings (written as their runtime type).</summary>
internal sealed record HealthCheckView(string Status, string? Description, IReadOnlyDictionary<string, object> Data);

/// <summary>/readyz's JSON, generated at build time (the native build has no reflection); Web defaults, as before.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PlainHealth))]
[JsonSerializable(typeof(DetailedHealth))]
[JsonSerializable(typeof(string))]
internal sealed partial class HealthJson : JsonSerializerContext;
