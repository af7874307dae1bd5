namespace EtcdRemediator.Configuration;

/// <summary>
/// <c>Snapshots:Offsite</c>: an encrypted copy of every verified snapshot in an S3-compatible bucket (docs/configuration.md).
/// Off while <see cref="Bucket"/> is unset.
/// </summary>
internal sealed record OffsiteOptions
{
    /// <summary>The S3-compatible server's URL (MinIO, Ceph RGW, Garage, R2...); unset for AWS S3 itself.</summary>
    public string? Endpoint { get; set; }
    public string Region { get; set; } = "us-east-1";
    public string? Bucket { get; set; }
    public string Prefix { get; set; } = "etcd-remediator";
    /// <summary>Both files or neither: without them the SDK's default chain (environment, web identity for IRSA, instance role).</summary>
    public string? AccessKeyIdFile { get; set; }
    public string? SecretAccessKeyFile { get; set; }
    /// <summary>Bucket in the path rather than the host name; default: true when <see cref="Endpoint"/> is set.</summary>
    public bool? PathStyle { get; set; }
    /// <summary>The newest copies kept per cluster (only those with the service's sidecar are counted or removed).</summary>
    public int Keep { get; set; } = 14;
    /// <summary>age X25519 recipients (<c>age1...</c>): any one of their identities decrypts a copy.</summary>
    public List<string> AgeRecipients { get; set; } = [];
    /// <summary>The <c>age -R</c> format: one recipient a line, <c>#</c> comments.</summary>
    public string? AgeRecipientsFile { get; set; }
    /// <summary>Upload unencrypted when no recipient is given; snapshots hold every Secret of a Kubernetes cluster.</summary>
    public bool AllowPlaintext { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Bucket);

    public bool UsePathStyle => PathStyle ?? !string.IsNullOrWhiteSpace(Endpoint);
}
