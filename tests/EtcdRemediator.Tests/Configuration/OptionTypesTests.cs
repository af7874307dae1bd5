using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace EtcdRemediator.Tests.Configuration;

/// <summary>
/// The configuration check reads the options' properties by reflection, which the native build keeps only for the types
/// <see cref="ConfigurationCheck.OptionTypes"/> lists (each with a DynamicDependency): a type added to the options' tree
/// without a line there would lose its keys in the image alone ("unknown key"), never in a JIT-run test.
/// </summary>
public sealed class OptionTypesTests
{
    [Fact]
    public void EveryTypeOfTheOptionsTreeIsListedAndKeptWithItsProperties()
    {
        var tree = new HashSet<Type>();
        Walk(typeof(RemediatorOptions), tree);

        Assert.Equal(tree.OrderBy(t => t.Name), ConfigurationCheck.OptionTypes.OrderBy(t => t.Name));
        var kept = typeof(ConfigurationCheck).GetMethod("KnownKeys", BindingFlags.NonPublic | BindingFlags.Static)!
            .GetCustomAttributes<DynamicDependencyAttribute>()
            .Where(d => d.MemberTypes == DynamicallyAccessedMemberTypes.PublicProperties).Select(d => d.Type!);
        Assert.Equal(tree.OrderBy(t => t.Name), kept.OrderBy(t => t.Name));
    }

    private static void Walk(Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type)) return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
        {
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var inner = t.IsGenericType ? t.GetGenericArguments()[^1] : t;
            if (inner.Namespace == typeof(RemediatorOptions).Namespace && !inner.IsEnum) Walk(inner, seen);
        }
    }
}
