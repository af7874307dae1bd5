using System.Collections;

namespace EtcdRemediator.Tests;

/// <summary>
/// A theory argument of one of the service's types, which are internal. xunit 2 runs only public test methods,
/// and a public method cannot take an internal type (CS0051): the theory takes this public wrapper instead and
/// reads the value back with <see cref="As{T}"/>. Its ToString is the value's, so each case reads as before.
/// (An enum argument is passed by its name instead, which InlineData can hold too.)
/// </summary>
public sealed class Arg
{
    private readonly object? _value;

    private Arg(object? value) => _value = value;

    internal static Arg Of<T>(T value) => new(value);

    internal T As<T>() => (T)_value!;

    public override string ToString() => _value switch
    {
        null => "null",
        IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object?>())}]",
        var value => value.ToString() ?? "",
    };
}
