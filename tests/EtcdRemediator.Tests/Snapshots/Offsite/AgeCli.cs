using System.Diagnostics;

namespace EtcdRemediator.Tests.Snapshots.Offsite;

/// <summary>The real age tool (Debian's `age`, installed by scripts/test.sh): what proves our format.</summary>
internal sealed class AgeCli : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("etcdrem-unit-age-").FullName;

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>A new identity file from age-keygen, and its recipient (age1...).</summary>
    public async Task<(string IdentityFile, string Recipient)> KeygenAsync(string name)
    {
        var identity = Path.Combine(Directory, name + ".txt");
        var (code, output) = await RunAsync("age-keygen", "-o", identity);
        Assert.True(code == 0, output);
        var (_, recipient) = await RunAsync("age-keygen", "-y", identity);
        return (identity, recipient.Trim());
    }

    /// <summary>`age -d -i identity encrypted`: the exit code, and the plaintext (or age's complaint) as bytes.</summary>
    public async Task<(int ExitCode, byte[] Plaintext, string Errors)> DecryptAsync(string identityFile, string encryptedFile)
    {
        var output = Path.Combine(Directory, Guid.NewGuid().ToString("N") + ".out");
        var (code, errors) = await RunAsync("age", "-d", "-i", identityFile, "-o", output, encryptedFile);
        return (code, File.Exists(output) ? await File.ReadAllBytesAsync(output) : [], errors);
    }

    private static async Task<(int, string)> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, await stdout + await stderr);
    }
}
