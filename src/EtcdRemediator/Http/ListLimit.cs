using Microsoft.AspNetCore.Http.HttpResults;

namespace EtcdRemediator.Http;

/// <summary>The `limit` query parameter of the list endpoints: 1 to 500, 20 when absent.</summary>
internal static class ListLimit
{
    public const int Default = 20;
    public const int Max = 500;

    /// <summary>Null when <paramref name="text"/> is a valid limit (or absent); otherwise the 400 to answer.</summary>
    public static ValidationProblem? Parse(string? text, out int limit)
    {
        limit = Default;
        return text is null || (int.TryParse(text, out limit) && limit is >= 1 and <= Max)
            ? null
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"must be a whole number from 1 to {Max}"] });
    }
}
