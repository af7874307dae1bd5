using System.Text.Json;
using System.Text.Json.Serialization;

namespace EtcdRemediator.Remediation;

/// <summary>
/// Runs as JSON, generated at build time (no reflection: the native build has none): how the run store keeps them
/// and how the API answers them (<see cref="AddTo"/>). Web defaults (camelCase), as before.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RunRecord))]
[JsonSerializable(typeof(List<RunRecord>))]
internal sealed partial class RunJson : JsonSerializerContext
{
    /// <summary>The HTTP answers' options resolve runs through this context: first, so that a JIT build (where the reflection
    /// resolver is in the chain too) writes what the native build writes.</summary>
    public static IServiceCollection AddTo(IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Default));
}
