using System.Text.Json;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace EtcdRemediator.Api;

/// <summary>
/// A request body read by us rather than by the framework, so that every way it can be wrong
/// (content type, size, syntax, a field of the wrong type, an unknown field) becomes problem details
/// that name the field, never a bare 400 or a 500. <see cref="ValidationFilter{T}"/> answers for it.
/// </summary>
public sealed class JsonBody<T> where T : class
{
    private JsonBody(T? value, int status, Dictionary<string, string[]> errors)
    {
        Value = value;
        Status = status;
        Errors = errors;
    }

    public T? Value { get; }
    public int Status { get; }
    public Dictionary<string, string[]> Errors { get; }

    public static async ValueTask<JsonBody<T>> BindAsync(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
            return Fail(StatusCodes.Status415UnsupportedMediaType, "body", "the body must be JSON with Content-Type: application/json");
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, json, context.RequestAborted);
            return value is null
                ? Fail(StatusCodes.Status400BadRequest, "body", "the body must be a JSON object")
                : new JsonBody<T>(value, StatusCodes.Status200OK, []);
        }
        catch (JsonException e)
        {
            return Fail(StatusCodes.Status400BadRequest, FieldOf(e), Explain(e));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail(StatusCodes.Status413PayloadTooLarge, "body", "the body is larger than this endpoint accepts");
        }
    }

    private static JsonBody<T> Fail(int status, string field, string message) => new(null, status, new() { [field] = [message] });

    /// <summary>"$.alerts[0].labels" -> "alerts[0].labels": the path as the caller wrote it.</summary>
    private static string FieldOf(JsonException e) =>
        e.Path is { Length: > 1 } path ? path.TrimStart('$').TrimStart('.') : "body";

    private static string Explain(JsonException e)
    {
        if (e.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            return $"unknown field '{e.Message.Split('\'')[1]}'; check its spelling";
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal))
            return "has the wrong type";
        return "is not valid JSON" + (e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "");
    }
}
