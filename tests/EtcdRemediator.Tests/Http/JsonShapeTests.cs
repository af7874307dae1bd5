using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EtcdRemediator.Alerts;
using EtcdRemediator.Http;
using EtcdRemediator.Remediation.Api;

namespace EtcdRemediator.Tests.Http;

/// <summary>
/// Each mistake in a body's shape gets its own answer, naming where it is, found without the serializer's exception
/// texts: the options are the service's (web defaults, duplicates refused), the types its own request bodies.
/// </summary>
public sealed class JsonShapeTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        AllowDuplicateProperties = false,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private static (string Field, string Message)? Mistake<T>(string json)
    {
        var (document, mistake) = JsonShape.Read(Encoding.UTF8.GetBytes(json), Options.GetTypeInfo(typeof(T)));
        using (document) return mistake;
    }

    [Theory]
    [InlineData("""{"action":"defrag","dryRun":true}""")]
    [InlineData("""{"Action":"defrag"}""")] // the serializer matches names case-insensitively, and so does the check
    public void AWellShapedRequestHasNoMistake(string json) => Assert.Null(Mistake<RemediationRequest>(json));

    [Theory]
    [InlineData("""{"action":"defrag","dry_run":true}""", "dry_run", "unknown field 'dry_run'; did you mean 'dryRun'?")]
    [InlineData("""{"action":"defrag","priority":1}""", "priority", "unknown field 'priority'; check its spelling")]
    [InlineData("""{"action":"defrag","action":"recover"}""", "action", "is given more than once; give each field once")]
    [InlineData("""{"action":"defrag","ACTION":"recover"}""", "ACTION", "is given more than once; give each field once")]
    [InlineData("""{"action":"defrag",""", "body", "is not valid JSON (line 1, byte 19)")]
    public void EachMistakeInARequestIsNamedWhereItIs(string json, string field, string message) =>
        Assert.Equal((field, message), Mistake<RemediationRequest>(json));

    [Fact]
    public void AnAlertsUnknownFieldsAreAllowedButItsLabelsAreDataAndADuplicateLabelIsNamed()
    {
        Assert.Null(Mistake<AlertmanagerPayload>("""{"version":"4","somethingNew":1,"alerts":[{"labels":{"a":"1","A":"2"}}]}"""));
        Assert.Equal(("alerts[1].labels.a", "is given more than once; give each field once"),
            Mistake<AlertmanagerPayload>("""{"alerts":[{"labels":{}},{"labels":{"a":"1","a":"2"}}]}"""));
    }

    [Fact]
    public void JsonThatStopsBeingReadableIsNamedWhereItStops()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 100));
        var (field, message) = Mistake<AlertmanagerPayload>($$"""{"alerts":[{"fingerprint":{{deep}}}]}""")!.Value;

        Assert.StartsWith("alerts[0].fingerprint[0][0]", field, StringComparison.Ordinal);
        Assert.StartsWith("is not valid JSON (line 1, byte ", message, StringComparison.Ordinal);
    }
}
