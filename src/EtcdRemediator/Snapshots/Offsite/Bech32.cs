namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// Bech32 decoding (BIP 173, the original checksum constant 1, not bech32m) without BIP 173's 90-character
/// limit, as age encodes its keys. Only decoding: the service reads recipients, it never makes keys.
/// </summary>
internal static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    public static bool Decode(string text, out string hrp, out byte[] data, out string? problem)
    {
        hrp = "";
        data = [];
        problem = null;
        if (text.Any(c => c is < (char)33 or > (char)126)) return Fail("holds characters outside printable ASCII", out problem);
        if (text.Any(char.IsUpper) && text.Any(char.IsLower)) return Fail("mixes upper and lower case", out problem);
        var lower = text.ToLowerInvariant();
        var separator = lower.LastIndexOf('1');
        if (separator < 1 || separator + 7 > lower.Length) return Fail("is not a bech32 string (<prefix>1<data><6-character checksum>)", out problem);
        hrp = lower[..separator];
        var values = new byte[lower.Length - separator - 1];
        for (var i = 0; i < values.Length; i++)
        {
            var index = Charset.IndexOf(lower[separator + 1 + i], StringComparison.Ordinal);
            if (index < 0) return Fail($"holds '{lower[separator + 1 + i]}', which bech32 does not use", out problem);
            values[i] = (byte)index;
        }
        if (Polymod([.. ExpandHrp(hrp), .. values]) != 1) return Fail("has a wrong checksum (a typo, or a truncated copy?)", out problem);
        var bytes = ToBytes(values.AsSpan(0, values.Length - 6));
        if (bytes is null) return Fail("has non-zero padding bits", out problem);
        data = bytes;
        return true;
    }

    private static bool Fail(string why, out string? problem)
    {
        problem = why;
        return false;
    }

    private static uint Polymod(ReadOnlySpan<byte> values)
    {
        uint checksum = 1;
        foreach (var value in values)
        {
            var top = checksum >> 25;
            checksum = ((checksum & 0x1ffffff) << 5) ^ value;
            for (var i = 0; i < 5; i++)
                if (((top >> i) & 1) != 0) checksum ^= Generator[i];
        }
        return checksum;
    }

    private static byte[] ExpandHrp(string hrp) =>
        [.. hrp.Select(c => (byte)(c >> 5)), 0, .. hrp.Select(c => (byte)(c & 31))];

    /// <summary>5-bit groups to bytes; the leftover bits must be fewer than 5 and zero.</summary>
    private static byte[]? ToBytes(ReadOnlySpan<byte> groups)
    {
        var bytes = new List<byte>(groups.Length * 5 / 8);
        int accumulator = 0, bits = 0;
        foreach (var group in groups)
        {
            accumulator = (accumulator << 5) | group;
            bits += 5;
            if (bits < 8) continue;
            bits -= 8;
            bytes.Add((byte)(accumulator >> bits));
            accumulator &= (1 << bits) - 1;
        }
        return bits >= 5 || accumulator != 0 ? null : [.. bytes];
    }
}
