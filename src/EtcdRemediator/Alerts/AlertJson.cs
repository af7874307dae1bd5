using System.Text.Json;
using System.Text.Json.Serialization;

namespace EtcdRemediator.Alerts;

/// <summary>
/// The webhook's JSON, generated at build time (the native build has no reflection): the delivery read, the answer and
/// the audit entries stored and listed, and the dispositions a 422 carries in its problem details. Web defaults, as before.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AlertmanagerPayload))]
[JsonSerializable(typeof(AlertEndpoints.AlertAnswer))]
[JsonSerializable(typeof(AlertAuditEntry))]
[JsonSerializable(typeof(List<AlertAuditEntry>))]
[JsonSerializable(typeof(List<AlertDisposition>))]
internal sealed partial class AlertJson : JsonSerializerContext
{
    /// <summary>The HTTP requests' and answers' options resolve the webhook's types through this context.</summary>
    public static IServiceCollection AddTo(IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Default));
}
