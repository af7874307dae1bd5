using Amazon.Runtime;
using Amazon.S3;
using EtcdRemediator.Configuration;

namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>The S3 client for <c>Snapshots:Offsite</c>, made for each upload: credential files are read then (a rotated Secret counts).</summary>
internal static class OffsiteClient
{
    public static AmazonS3Client Create(OffsiteOptions o)
    {
        var config = new AmazonS3Config
        {
            // SDKs since early 2025 add CRC checksums in aws-chunked trailers by default, which many S3-compatible servers
            // refuse: only where an operation requires one.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            ForcePathStyle = o.UsePathStyle,
        };
        if (string.IsNullOrWhiteSpace(o.Endpoint)) config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(o.Region);
        else
        {
            config.ServiceURL = o.Endpoint;
            config.AuthenticationRegion = o.Region;
        }
        if (o.AccessKeyIdFile is { } idFile && o.SecretAccessKeyFile is { } secretFile)
            return new AmazonS3Client(new BasicAWSCredentials(File.ReadAllText(idFile).Trim(), File.ReadAllText(secretFile).Trim()), config);
        return new AmazonS3Client(config); // the default chain: environment, web identity (IRSA), instance profile
    }

    /// <summary>Where copies go, as messages name it: the bucket and the endpoint (or AWS's region).</summary>
    public static string Describe(OffsiteOptions o) =>
        $"bucket '{o.Bucket}' at {(string.IsNullOrWhiteSpace(o.Endpoint) ? $"AWS S3 ({o.Region})" : o.Endpoint)}";
}
