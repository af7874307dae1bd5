namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// The plaintext <c>.json</c> beside each copy in the bucket: what the copy is without decrypting it, and what
/// `sha256sum` must print for the decrypted file. Retention counts only objects that have one written by the service.
/// </summary>
/// <param name="Size">The snapshot's (plaintext) size; <paramref name="Sha256"/> its sha256 as sha256sum prints it.</param>
/// <param name="EncryptedSize">The object's size; <paramref name="EncryptedSha256"/> the object's sha256.</param>
/// <param name="Recipients">The age recipients it was encrypted to; empty for a plaintext copy.</param>
internal sealed record OffsiteSidecar(
    string WrittenBy,
    string Cluster,
    string? ClusterId,
    string Member,
    long? Revision,
    string Object,
    string Encryption,
    long Size,
    string Sha256,
    long EncryptedSize,
    string EncryptedSha256,
    IReadOnlyList<string> Recipients,
    string RunId,
    DateTimeOffset Time)
{
    public const string Mark = "etcd-remediator";
}

/// <summary>A copy that reached the bucket: where, how big, and when.</summary>
internal sealed record OffsiteCopy(string Key, long Bytes, DateTimeOffset At, int Removed);

/// <summary>The off-site sidecar's JSON, generated at build time (the native build has no reflection): Web defaults, indented.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(OffsiteSidecar))]
internal sealed partial class OffsiteJson : System.Text.Json.Serialization.JsonSerializerContext;
