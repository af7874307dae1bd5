using System.Security.Cryptography;
using EtcdRemediator.Snapshots.Offsite;

namespace EtcdRemediator.Tests.Snapshots.Offsite;

/// <summary>Our age v1 output, decrypted by the real `age` tool: the only judge of the format that counts.</summary>
public sealed class AgeEncryptionTests : IDisposable
{
    private readonly AgeCli _age = new();

    public void Dispose() => _age.Dispose();

    private static AgeRecipient Recipient(string text) => AgeRecipient.TryParse(text, out var problem) ?? throw new InvalidOperationException(problem);

    /// <summary>Encrypts <paramref name="plaintext"/> to a file, written in uneven pieces as a stream delivers them.</summary>
    private async Task<string> EncryptAsync(byte[] plaintext, params string[] recipients)
    {
        var path = Path.Combine(_age.Directory, Guid.NewGuid().ToString("N") + ".age");
        await using var file = File.Create(path);
        await using var age = new AgeEncryptingStream(file, [.. recipients.Select(Recipient)]);
        for (var offset = 0; offset < plaintext.Length; offset += 10_007)
            await age.WriteAsync(plaintext.AsMemory(offset, Math.Min(10_007, plaintext.Length - offset)));
        await age.CompleteAsync(CancellationToken.None);
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(AgeEncryptingStream.ChunkSize)]
    [InlineData(AgeEncryptingStream.ChunkSize * 3)]
    [InlineData(AgeEncryptingStream.ChunkSize * 3 + 17)]
    public async Task AgeDecryptsWhatWeEncryptIntoTheSameBytes(int size)
    {
        var (identity, recipient) = await _age.KeygenAsync("key");
        var plaintext = RandomNumberGenerator.GetBytes(size);

        var (code, decrypted, errors) = await _age.DecryptAsync(identity, await EncryptAsync(plaintext, recipient));

        Assert.True(code == 0, errors);
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public async Task EachOfSeveralRecipientsDecryptsTheFile()
    {
        var (first, firstRecipient) = await _age.KeygenAsync("first");
        var (second, secondRecipient) = await _age.KeygenAsync("second");
        var plaintext = RandomNumberGenerator.GetBytes(100_000);
        var encrypted = await EncryptAsync(plaintext, firstRecipient, secondRecipient);

        foreach (var identity in new[] { first, second })
        {
            var (code, decrypted, errors) = await _age.DecryptAsync(identity, encrypted);
            Assert.True(code == 0, errors);
            Assert.Equal(plaintext, decrypted);
        }
    }

    [Fact]
    public async Task AnotherIdentityCannotDecrypt()
    {
        var (_, recipient) = await _age.KeygenAsync("owner");
        var (stranger, _) = await _age.KeygenAsync("stranger");

        var (code, decrypted, errors) = await _age.DecryptAsync(stranger, await EncryptAsync(RandomNumberGenerator.GetBytes(1000), recipient));

        Assert.NotEqual(0, code);
        Assert.Empty(decrypted);
        Assert.Contains("no identity matched", errors, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(30)] // in the header (a stanza)
    [InlineData(-40_000)] // in the payload's last chunk, counted from the end
    [InlineData(-1)] // the last chunk's tag
    public async Task OneFlippedByteMakesAgeRefuseTheFile(int position)
    {
        var (identity, recipient) = await _age.KeygenAsync("key");
        var encrypted = await EncryptAsync(RandomNumberGenerator.GetBytes(200_000), recipient);
        var bytes = await File.ReadAllBytesAsync(encrypted);
        bytes[position >= 0 ? position : bytes.Length + position] ^= 0x01;
        await File.WriteAllBytesAsync(encrypted, bytes);

        var (code, _, _) = await _age.DecryptAsync(identity, encrypted);

        Assert.NotEqual(0, code);
    }

    [Fact]
    public async Task TwoEncryptionsOfTheSameInputDiffer()
    {
        var (_, recipient) = await _age.KeygenAsync("key");
        var plaintext = RandomNumberGenerator.GetBytes(5000);

        var first = await File.ReadAllBytesAsync(await EncryptAsync(plaintext, recipient));
        var second = await File.ReadAllBytesAsync(await EncryptAsync(plaintext, recipient));

        Assert.NotEqual(first, second);
        Assert.Equal(first.Length, second.Length);
    }

    [Fact]
    public async Task AStreamEndedWithoutCompletingIsRefusedByAge()
    {
        var (identity, recipient) = await _age.KeygenAsync("key");
        var path = Path.Combine(_age.Directory, "cut.age");
        await using (var file = File.Create(path))
        await using (var age = new AgeEncryptingStream(file, [Recipient(recipient)]))
            await age.WriteAsync(RandomNumberGenerator.GetBytes(AgeEncryptingStream.ChunkSize * 2 + 5));

        var (code, _, _) = await _age.DecryptAsync(identity, path);

        Assert.NotEqual(0, code);
    }
}
