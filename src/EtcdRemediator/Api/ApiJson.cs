using System.Text.Json;
using System.Text.Json.Serialization;
using EtcdRemediator.History;
using EtcdRemediator.Remediation.Api;

namespace EtcdRemediator.Api;

/// <summary>
/// The operator API's JSON, generated at build time (the native build has no reflection): the trigger's body, every
/// answer, and the values its problem details carry as extensions (written as their runtime types: a string, a time).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RemediationRequest))]
[JsonSerializable(typeof(RemediationEndpoints.TriggerAnswer))]
[JsonSerializable(typeof(List<ClusterEndpoints.ClusterSummary>))]
[JsonSerializable(typeof(ClusterStatusView))]
[JsonSerializable(typeof(ClusterHistoryView))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class ApiJson : JsonSerializerContext;
