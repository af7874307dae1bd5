namespace EtcdRemediator.IntegrationTests.Etcd;

/// <summary>One line of etcd's zap JSON log: evidence of what etcd itself did and when.</summary>
public sealed record EtcdLogLine(DateTimeOffset Time, string Level, string Message, string Raw)
{
    public static EtcdLogLine? TryParse(string raw)
    {
        if (!raw.StartsWith('{')) return null;
        try
        {
            using var doc = JsonDocument.Parse(raw);
            var root = doc.RootElement;
            return new EtcdLogLine(
                root.TryGetProperty("ts", out var ts) && ts.ValueKind == JsonValueKind.String ? ts.GetDateTimeOffset() : DateTimeOffset.MinValue,
                root.TryGetProperty("level", out var level) ? level.GetString() ?? "" : "",
                root.TryGetProperty("msg", out var msg) ? msg.GetString() ?? "" : "",
                raw);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
