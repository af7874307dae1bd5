using EtcdRemediator.Snapshots.Offsite;

namespace EtcdRemediator.Tests.Snapshots.Offsite;

public sealed class AgeRecipientTests
{
    // c2sp.org/age's example recipient.
    private const string Example = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

    [Fact]
    public void ARecipientFromTheSpecificationParsesIntoAPublicKey()
    {
        var recipient = AgeRecipient.TryParse(Example, out var problem);

        Assert.Null(problem);
        Assert.Equal(32, recipient!.PublicKey.Length);
    }

    [Fact]
    public void AnUppercaseRecipientIsTheSameRecipient() =>
        Assert.Equal(AgeRecipient.TryParse(Example, out _)!.PublicKey, AgeRecipient.TryParse(Example.ToUpperInvariant(), out _)!.PublicKey);

    [Theory]
    [InlineData("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwq", "checksum")]
    [InlineData("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujw", "checksum")]
    [InlineData("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX", "identity")]
    [InlineData("Age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj", "case")]
    [InlineData("age1zvkyb2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj", "does not use")]
    [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA", "printable")]
    [InlineData("", "not a bech32")]
    public void AStringThatIsNoX25519RecipientIsRefusedWithTheReason(string text, string reason)
    {
        Assert.Null(AgeRecipient.TryParse(text, out var problem));
        Assert.Contains(reason, problem, StringComparison.OrdinalIgnoreCase);
    }
}
