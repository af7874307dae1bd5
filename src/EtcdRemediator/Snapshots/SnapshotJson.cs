using System.Text.Json;
using System.Text.Json.Serialization;

namespace EtcdRemediator.Snapshots;

/// <summary>A snapshot's JSON sidecar, beside the file (camelCase, in this order).</summary>
/// <param name="Sha256">The whole file's, as <c>sha256sum</c> prints it; etcd's trailer (the sha256 of all but the last 32 bytes) is
/// <paramref name="EtcdHashVerified"/>.</param>
internal sealed record SnapshotSidecar(
    string WrittenBy, string Cluster, string? ClusterId, string Member, string MemberName, string Endpoint, long? Revision, long Size,
    string Sha256, bool? EtcdHashVerified, string? EtcdVersion, DateTimeOffset Time, bool CorruptAlarm);

/// <summary>
/// The sidecar's JSON, generated at build time (the native build has no reflection): Web defaults,
/// indented for a person reading the file.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(SnapshotSidecar))]
internal sealed partial class SnapshotJson : JsonSerializerContext;
