using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EtcdRemediator.Configuration;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace EtcdRemediator.Http;

/// <summary>A request body type: how many bytes of it are accepted, from the configuration.</summary>
internal interface IJsonBodyType
{
    static abstract long MaxBytes(RemediatorOptions options);
}

/// <summary>
/// A request body read by us rather than by the framework, so that every way it can be wrong
/// (content type, size, syntax, a field of the wrong type, an unknown field) becomes problem details
/// that name the field, never a bare 400 or a 500. <see cref="ValidationFilter{T}"/> answers for it.
/// Each body type says how large it may be (<see cref="IJsonBodyType.MaxBytes"/>).
/// </summary>
internal sealed class JsonBody<T> where T : class, IJsonBodyType
{
    private JsonBody(T? value, int status, Dictionary<string, string[]> errors, ReadOnlyMemory<byte> raw)
    {
        Value = value;
        Status = status;
        Errors = errors;
        Raw = raw;
    }

    public T? Value { get; }
    public int Status { get; }
    public Dictionary<string, string[]> Errors { get; }

    /// <summary>The bytes received (at most the body limit), for the audit trail.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000",
        Justification = "Minimal APIs find a parameter type's binder as this static method on the type itself.")]
    public static async ValueTask<JsonBody<T>> BindAsync(HttpContext context)
    {
        var limit = T.MaxBytes(context.RequestServices.GetRequiredService<IOptions<RemediatorOptions>>().Value);
        if (!context.Request.HasJsonContentType())
            return Fail(StatusCodes.Status415UnsupportedMediaType, "body", "the body must be JSON with Content-Type: application/json", default);
        if (context.Request.ContentLength > limit)
            return Fail(StatusCodes.Status413PayloadTooLarge, "body", $"the body is larger than the {limit}-byte limit", default);
        var raw = await ReadAtMostAsync(context, limit + 1);
        if (raw is null)
            return Fail(StatusCodes.Status400BadRequest, "body", "the body ended before Content-Length bytes arrived", default);
        if (raw.Length > limit)
            return Fail(StatusCodes.Status413PayloadTooLarge, "body", $"the body is larger than the {limit}-byte limit", default);

        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var type = json.GetTypeInfo(typeof(T));
        var (document, mistake) = JsonShape.Read(raw, type);
        if (mistake is (var field, var message))
            return Fail(StatusCodes.Status400BadRequest, field, message, raw);
        using (document)
        {
            try
            {
                // The type's generated metadata from the options (a feature's JsonSerializerContext): no reflection.
                var value = document!.Deserialize((JsonTypeInfo<T>)type);
                return value is null
                    ? Fail(StatusCodes.Status400BadRequest, "body", "the body must be a JSON object", raw)
                    : new JsonBody<T>(value, StatusCodes.Status200OK, [], raw);
            }
            catch (JsonException e)
            {
                // The shape is right (JsonShape): what the serializer still refuses is a value it cannot convert.
                return Fail(StatusCodes.Status400BadRequest, FieldOf(e), "has the wrong type", raw);
            }
        }
    }

    /// <summary>Reads the body into memory, never more than <paramref name="max"/> bytes; null if the client gave up.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(HttpContext context, long max)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while (buffer.Length < max && (read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
                buffer.Write(chunk, 0, (int)Math.Min(read, max - buffer.Length));
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
        return buffer.ToArray();
    }

    private static JsonBody<T> Fail(int status, string field, string message, ReadOnlyMemory<byte> raw) =>
        new(null, status, new() { [field] = [message] }, raw);
    /// <summary>"$.alerts[0].labels" -> "alerts[0].labels": the path as the caller wrote it.</summary>
    private static string FieldOf(JsonException e) =>
        e.Path is { Length: > 1 } path ? path.TrimStart('$').TrimStart('.') : "body";
}
