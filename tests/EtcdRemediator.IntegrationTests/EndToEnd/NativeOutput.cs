namespace EtcdRemediator.IntegrationTests.EndToEnd;

/// <summary>What a published folder must be to be the image's build: native code, for one architecture.</summary>
public static class NativeOutput
{
    /// <summary>ELF e_machine values.</summary>
    public const ushort ElfX8664 = 62, ElfAArch64 = 183;

    /// <summary>
    /// The output is the service compiled ahead of time: an ELF executable named as the ENTRYPOINT, and no .NET assembly beside
    /// it (a framework-dependent build has EtcdRemediator.dll and needs a runtime the image does not have); every ELF file of
    /// the output is built for <paramref name="machine"/> (the ELF header's e_machine).
    /// </summary>
    public static void AssertNativeExecutable(string output, ushort machine)
    {
        var executable = Path.Combine(output, "EtcdRemediator");
        Assert.True(File.Exists(executable), $"{output} has no EtcdRemediator executable: {string.Join(", ", Directory.GetFiles(output).Select(Path.GetFileName))}");
        var header = Header(executable);
        Assert.True(header.Length == 20 && header.AsSpan(0, 4).SequenceEqual("\u007FELF"u8), $"{executable} is not an ELF file");
        Assert.Contains(BitConverter.ToUInt16(header, 16), new ushort[] { 2, 3 }); // e_type: ET_EXEC, or ET_DYN for a position-independent one
        Assert.True((File.GetUnixFileMode(executable) & UnixFileMode.UserExecute) != 0, $"{executable} is not executable");
        Assert.Empty(Directory.EnumerateFiles(output, "*.dll", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(output, "EtcdRemediator.runtimeconfig.json")), "a runtimeconfig.json: the output is framework-dependent");
        AssertNativeCode(output, machine);
    }

    /// <summary>Every ELF file of the output is built for <paramref name="machine"/> (the ELF header's e_machine), and there is one.</summary>
    private static void AssertNativeCode(string output, ushort machine)
    {
        var elves = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Select(f => (File: f, Header: Header(f)))
            .Where(f => f.Header.Length == 20 && f.Header.AsSpan(0, 4).SequenceEqual("\u007FELF"u8))
            .ToList();
        Assert.NotEmpty(elves);
        Assert.All(elves, f => Assert.True(BitConverter.ToUInt16(f.Header, 18) == machine,
            $"{Path.GetRelativePath(output, f.File)} is for ELF machine {BitConverter.ToUInt16(f.Header, 18)}, not {machine}"));
    }

    private static byte[] Header(string file)
    {
        using var stream = File.OpenRead(file);
        var header = new byte[20];
        return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length ? header : [];
    }
}
