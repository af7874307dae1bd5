using Microsoft.AspNetCore.Http.HttpResults;

namespace EtcdRemediator.Http;

/// <summary>RFC 7807 answers shared by the endpoints, so the same mistake reads the same everywhere.</summary>
internal static class Problems
{
    public static ProblemHttpResult UnknownCluster(string cluster) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown cluster",
        detail: $"No cluster named '{cluster}' is configured. GET /api/v1/clusters lists the configured ones.",
        extensions: new Dictionary<string, object?> { ["cluster"] = cluster });
}
