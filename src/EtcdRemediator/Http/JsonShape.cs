using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EtcdRemediator.Configuration;

namespace EtcdRemediator.Http;

/// <summary>
/// What is wrong with a request body's shape, found before the serializer reads it, so that each mistake gets its own
/// answer without matching the serializer's exception texts (which a runtime update may reword): not JSON at all, a
/// field given twice, a field the type does not have (where the type refuses unknown fields, as a remediation request
/// does). What the serializer can still refuse after this is a value of the wrong type.
/// </summary>
internal static class JsonShape
{
    /// <summary>
    /// The body parsed once, for the serializer to read from (the caller disposes it), or its first mistake: the field
    /// (the path as the caller wrote it; "body" for the whole) and what is wrong.
    /// </summary>
    public static (JsonDocument? Document, (string Field, string Message)? Mistake) Read(ReadOnlyMemory<byte> raw, JsonTypeInfo type)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = type.Options.MaxDepth });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            var field = PathWhereReadingStops(raw.Span, type.Options.MaxDepth) is { Length: > 0 } path ? path : "body";
            return (null, (field, "is not valid JSON" + where));
        }
        if (Walk(document.RootElement, type, "") is { } mistake)
        {
            document.Dispose();
            return (null, mistake);
        }
        return (document, null);
    }

    private static (string, string)? Walk(JsonElement element, JsonTypeInfo type, string path)
    {
        if (element.ValueKind == JsonValueKind.Array && type is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } item })
        {
            var index = 0;
            foreach (var value in element.EnumerateArray())
                if (Walk(value, type.Options.GetTypeInfo(item), $"{path}[{index++}]") is { } mistake) return mistake;
            return null;
        }
        if (element.ValueKind != JsonValueKind.Object) return null;

        // Field names compare as the serializer matches them; a dictionary's keys are data, compared exactly.
        var names = type.Kind == JsonTypeInfoKind.Object && type.Options.PropertyNameCaseInsensitive
            ? StringComparer.OrdinalIgnoreCase
            : StringComparer.Ordinal;
        var seen = new HashSet<string>(names);
        foreach (var property in element.EnumerateObject())
        {
            var at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            if (!seen.Add(property.Name)) return (at, "is given more than once; give each field once");
            var inner = type.Kind switch
            {
                JsonTypeInfoKind.Object => type.Properties.FirstOrDefault(p => names.Equals(p.Name, property.Name))?.PropertyType,
                JsonTypeInfoKind.Dictionary => type.ElementType,
                _ => null,
            };
            if (inner is null && type.Kind == JsonTypeInfoKind.Object && type.UnmappedMemberHandling == JsonUnmappedMemberHandling.Disallow)
                return (at, UnknownField(property.Name, type));
            if (inner is not null && Walk(property.Value, type.Options.GetTypeInfo(inner), at) is { } mistake) return mistake;
        }
        return null;
    }

    /// <summary>
    /// The path of the value being read where the JSON stops being readable (bad syntax, too deep): "alerts[0].labels",
    /// as the caller wrote it, so that the answer names where the mistake is, not just "body".
    /// </summary>
    private static string PathWhereReadingStops(ReadOnlySpan<byte> raw, int maxDepth)
    {
        var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = maxDepth });
        // One frame per open object or array: the field being read, or how many items were started.
        var frames = new List<(string? Field, int Items)>();
        void ValueStarts()
        {
            if (frames.Count > 0 && frames[^1].Field is null) frames[^1] = (null, frames[^1].Items + 1);
        }
        // A field's value is read whole: until the next field, the object's own place is where reading stands.
        void ValueEnded()
        {
            if (frames.Count > 0 && frames[^1].Field is not null) frames[^1] = ("", 0);
        }
        try
        {
            while (reader.Read())
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        ValueStarts();
                        frames.Add((reader.TokenType == JsonTokenType.StartObject ? "" : null, 0));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        ValueEnded();
                        break;
                    case JsonTokenType.PropertyName:
                        frames[^1] = (reader.GetString(), 0);
                        break;
                    default:
                        ValueStarts();
                        ValueEnded();
                        break;
                }
        }
        catch (JsonException)
        {
            // Where it stopped: the frames say what was being read.
        }
        return string.Concat(frames.Select(f => f.Field switch
        {
            null => $"[{Math.Max(0, f.Items - 1)}]",
            "" => "",
            var field => $".{field}",
        })).TrimStart('.');
    }

    /// <summary>Answered as an unknown configuration key is: with the nearest field of that object, as JSON spells it.</summary>
    private static string UnknownField(string field, JsonTypeInfo type) =>
        Spelling.Nearest(type.Properties.Select(p => p.Name), field, Math.Max(2, field.Length / 3)) is { } near
            ? $"unknown field '{field}'; did you mean '{near}'?"
            : $"unknown field '{field}'; check its spelling";
}
