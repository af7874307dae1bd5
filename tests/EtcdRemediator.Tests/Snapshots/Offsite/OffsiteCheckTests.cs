using EtcdRemediator.Startup;

namespace EtcdRemediator.Tests.Snapshots.Offsite;

/// <summary>Remediator:Snapshots:Offsite at start-up: every refusal names its key.</summary>
public sealed class OffsiteCheckTests : IDisposable
{
    private const string Key = "Remediator:Snapshots:Offsite";
    private const string Recipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-offsite-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<string> Errors(OffsiteOptions offsite, List<string>? warnings = null) =>
        [.. RemediatorOptionsValidator.Collect(new RemediatorOptions { Snapshots = new SnapshotOptions { Offsite = offsite } },
            inKubernetes: false, warnings: warnings)];

    [Fact]
    public void NothingConfiguredIsNoOffsiteCopyAndNoError() => Assert.Empty(Errors(new OffsiteOptions()));

    [Fact]
    public void ABucketWithoutARecipientIsRefusedNamingTheRecipientsKey()
    {
        var error = Assert.Single(Errors(new OffsiteOptions { Bucket = "b" }));
        Assert.StartsWith($"{Key}:AgeRecipients:", error, StringComparison.Ordinal);
        Assert.Contains("AllowPlaintext", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowPlaintextWithoutARecipientStartsWithAWarning()
    {
        var warnings = new List<string>();

        Assert.Empty(Errors(new OffsiteOptions { Bucket = "b", AllowPlaintext = true }, warnings));
        Assert.Contains(warnings, w => w.StartsWith($"{Key}:AllowPlaintext", StringComparison.Ordinal));
    }

    [Fact]
    public void ABadRecipientIsRefusedWithItsIndexAndAGoodOneIsAccepted()
    {
        var errors = Errors(new OffsiteOptions { Bucket = "b", AgeRecipients = [Recipient, Recipient[..^1] + "q"] });

        Assert.StartsWith($"{Key}:AgeRecipients:1: ", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ARecipientsFileInAgesFormatIsReadAndItsBadLineNamed()
    {
        var file = Path.Combine(_dir, "recipients.txt");
        File.WriteAllLines(file, ["# the on-call team", Recipient, "", "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"]);

        var error = Assert.Single(Errors(new OffsiteOptions { Bucket = "b", AgeRecipientsFile = file }));

        Assert.StartsWith($"{Key}:AgeRecipientsFile: line 4 ", error, StringComparison.Ordinal);
        Assert.Contains("identity", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint", "ftp://x")]
    [InlineData("Keep", "0")]
    [InlineData("AccessKeyIdFile", "/nonexistent")]
    public void AnUnusableSettingIsRefusedNamingIt(string setting, string value)
    {
        var offsite = setting switch
        {
            "Endpoint" => new OffsiteOptions { Endpoint = value },
            "Keep" => new OffsiteOptions { Keep = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            _ => new OffsiteOptions { AccessKeyIdFile = value, SecretAccessKeyFile = value },
        } with { Bucket = "b", AgeRecipients = [Recipient] };

        Assert.Contains(Errors(offsite), e => e.StartsWith($"{Key}:{setting}: ", StringComparison.Ordinal));
    }

    [Fact]
    public void OtherSettingsWithoutABucketAreRefusedNamingTheBucket() =>
        Assert.StartsWith($"{Key}:Bucket: ", Assert.Single(Errors(new OffsiteOptions { AgeRecipients = [Recipient] })), StringComparison.Ordinal);
}
