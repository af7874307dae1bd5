using EtcdRemediator.Auth;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdRemediator.Tests.Auth;

/// <summary>Revoking a token is editing its file (a Kubernetes Secret update): no restart.</summary>
public sealed class TokenSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-tokens-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TokenSet Tokens(string file) =>
        new(Options.Create(new RemediatorOptions { Auth = new AuthOptions { OperatorTokensFile = file } }), _time, NullLogger<TokenSet>.Instance);

    [Fact]
    public void ATokenRemovedFromItsFileIsRefusedWithinTheRecheckAndTheNewOneWorks()
    {
        var file = Path.Combine(_dir, "operator.token");
        File.WriteAllText(file, "old-operator-token-0123456789\n");
        var tokens = Tokens(file);
        Assert.Equal(new TokenHolder("operator", "operator token 1"), tokens.Identify("old-operator-token-0123456789"));

        File.WriteAllText(file, "# rotated\nnew-operator-token-0123456789\n");
        Assert.NotNull(tokens.Identify("old-operator-token-0123456789")); // not looked at again yet
        _time.Advance(TokenSet.RecheckInterval);

        Assert.Null(tokens.Identify("old-operator-token-0123456789"));
        Assert.Equal("operator", tokens.Identify("new-operator-token-0123456789")?.Role);
    }

    [Fact]
    public void AFileThatDisappearsRevokesItsTokensAndNeverOpensTheTokenlessMode()
    {
        var file = Path.Combine(_dir, "operator.token");
        File.WriteAllText(file, "some-operator-token-0123456789\n");
        var tokens = Tokens(file);

        File.Delete(file);
        _time.Advance(TokenSet.RecheckInterval);

        Assert.Null(tokens.Identify("some-operator-token-0123456789"));
        Assert.False(tokens.IsEmpty);
    }
}
