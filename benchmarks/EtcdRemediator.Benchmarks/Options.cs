using System.Globalization;

namespace EtcdRemediator.Benchmarks;

/// <summary>--name value pairs; numbers only.</summary>
public sealed class Options(Dictionary<string, int> values)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, int>();
        for (var i = 0; i + 1 < args.Length; i += 2)
            values[args[i].TrimStart('-')] = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        return new Options(values);
    }

    public int Get(string name, int fallback) => values.GetValueOrDefault(name, fallback);
}
