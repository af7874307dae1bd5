using System.Text.Json;
using System.Text.Json.Serialization;

namespace EtcdRemediator.Remediation;

/// <summary>
/// The name an enum value has on the wire: its C# name in kebab case (<c>FollowUp</c> is <c>follow-up</c>), one rule
/// for actions, trigger kinds and dispositions in JSON, routes and requests, and for every metric label (a run's
/// <c>outcome</c> is <c>nothing-to-do</c>), so the serializer, the parser, the metrics and the docs cannot disagree.
/// The one exception is a run's <c>status</c> in JSON, PascalCase (<c>NothingToDo</c>) since the first release and
/// pinned by the contract tests: clients compare it.
/// </summary>
internal static class WireName
{
    public static readonly JsonNamingPolicy Policy = JsonNamingPolicy.KebabCaseLower;

    public static string Of<T>(T value) where T : struct, Enum => Policy.ConvertName(value.ToString());
}

/// <summary>Serializes an enum by its <see cref="WireName"/>; an unknown name fails to read, naming the value.</summary>
internal sealed class WireNameConverter<T>() : JsonStringEnumConverter<T>(WireName.Policy, allowIntegerValues: false) where T : struct, Enum;
