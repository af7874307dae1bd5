using System.Text.Json;
using System.Text.Json.Serialization;

namespace EtcdRemediator.Remediation;

/// <summary>
/// The name an action or a trigger kind has in JSON, in routes and in requests: its C# name in kebab case
/// (<c>FollowUp</c> is <c>follow-up</c>), one rule, so the serializer, the parser and the docs cannot disagree.
/// </summary>
internal static class WireName
{
    public static readonly JsonNamingPolicy Policy = JsonNamingPolicy.KebabCaseLower;

    public static string Of<T>(T value) where T : struct, Enum => Policy.ConvertName(value.ToString());
}

/// <summary>Serializes an enum by its <see cref="WireName"/>; an unknown name fails to read, naming the value.</summary>
internal sealed class WireNameConverter<T>() : JsonStringEnumConverter<T>(WireName.Policy, allowIntegerValues: false) where T : struct, Enum;
