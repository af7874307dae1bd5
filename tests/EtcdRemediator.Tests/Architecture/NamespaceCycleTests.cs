using Mono.Cecil;

namespace EtcdRemediator.Tests.Architecture;

/// <summary>
/// The service's folders (one namespace each) depend on each other in one direction only. Read from
/// the compiled assembly: every type a type names (base, interfaces, fields, signatures, locals,
/// attributes, and the types and members its code uses), so neither an alias nor a fully qualified
/// name slips past, as they did past the earlier reading of the source text.
/// </summary>
public sealed class NamespaceCycleTests
{
    private const string Root = "EtcdRemediator";

    private static readonly Lazy<Dictionary<string, HashSet<string>>> Graph = new(Read);

    /// <summary>namespace -> every namespace its types refer to (the project's and others').</summary>
    public static Dictionary<string, HashSet<string>> Dependencies() => Graph.Value;

    private static Dictionary<string, HashSet<string>> Read()
    {
        using var module = ModuleDefinition.ReadModule(typeof(Program).Assembly.Location);
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var type in module.GetTypes())
        {
            var from = NamespaceOf(type);
            if (!graph.TryGetValue(from, out var uses)) graph[from] = uses = [];
            foreach (var used in References(type).SelectMany(Unwrap).Select(NamespaceOf))
                if (used != from) uses.Add(used);
        }
        return graph;
    }

    private static IEnumerable<TypeReference> References(TypeDefinition type)
    {
        if (type.BaseType is { } b) yield return b;
        foreach (var i in type.Interfaces) yield return i.InterfaceType;
        foreach (var a in type.CustomAttributes) yield return a.AttributeType;
        foreach (var f in type.Fields) yield return f.FieldType;
        foreach (var p in type.Properties) yield return p.PropertyType;
        foreach (var m in type.Methods)
        {
            yield return m.ReturnType;
            foreach (var p in m.Parameters) yield return p.ParameterType;
            foreach (var a in m.CustomAttributes) yield return a.AttributeType;
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) yield return v.VariableType;
            foreach (var operand in m.Body.Instructions.Select(i => i.Operand))
                switch (operand)
                {
                    case TypeReference t: yield return t; break;
                    case MethodReference r:
                        yield return r.DeclaringType;
                        yield return r.ReturnType;
                        foreach (var p in r.Parameters) yield return p.ParameterType;
                        if (r is GenericInstanceMethod g) foreach (var arg in g.GenericArguments) yield return arg;
                        break;
                    case FieldReference f: yield return f.DeclaringType; yield return f.FieldType; break;
                }
        }
    }

    /// <summary>A type and everything it is made of: the element of an array, the arguments of a generic.</summary>
    private static IEnumerable<TypeReference> Unwrap(TypeReference type)
    {
        yield return type;
        if (type is TypeSpecification spec)
            foreach (var inner in Unwrap(spec.ElementType)) yield return inner;
        if (type is GenericInstanceType generic)
            foreach (var inner in generic.GenericArguments.SelectMany(Unwrap)) yield return inner;
    }

    /// <summary>A nested type (a lambda's closure, an iterator) belongs to its outermost type's namespace.</summary>
    private static string NamespaceOf(TypeReference type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type.Namespace.Length == 0 ? "(global)" : type.Namespace;
    }

    private static Dictionary<string, HashSet<string>> Project() =>
        Dependencies().Where(kv => kv.Key.StartsWith(Root, StringComparison.Ordinal) || kv.Key == "(global)")
            .ToDictionary(kv => kv.Key, kv => kv.Value.Where(n => n.StartsWith(Root + ".", StringComparison.Ordinal)).ToHashSet());

    [Fact]
    public void NoNamespaceDependsOnOneThatDependsOnIt()
    {
        var graph = Project();
        bool Reaches(string from, string to, HashSet<string> seen) =>
            graph.TryGetValue(from, out var next) && (next.Contains(to) || next.Where(seen.Add).Any(n => Reaches(n, to, seen)));

        var cycles = graph.SelectMany(kv => kv.Value.Where(b => Reaches(b, kv.Key, [])).Select(b => $"{kv.Key} -> {b}")).ToList();

        Assert.True(graph.Count > 10, $"found only {graph.Count} namespaces");
        Assert.Empty(cycles);
    }

    [Fact]
    public void ConfigurationAndStorageDependOnNoFeature()
    {
        var graph = Project();

        Assert.Empty(graph["EtcdRemediator.Configuration"]);
        Assert.Equal(["EtcdRemediator.Configuration"], graph["EtcdRemediator.Storage"]);
    }

    /// <summary>The remediation (every one of its namespaces) decides on backend-neutral failures (EtcdFailure), never on a
    /// transport's codes.</summary>
    [Fact]
    public void TheRemediationKnowsNoTransport()
    {
        var remediation = Dependencies().Where(kv => kv.Key.StartsWith("EtcdRemediator.Remediation", StringComparison.Ordinal)).ToList();
        var transport = remediation.SelectMany(kv => kv.Value.Where(n => n.StartsWith("Grpc", StringComparison.Ordinal)).Select(n => $"{kv.Key} -> {n}"));

        Assert.True(remediation.Count >= 5, $"found {remediation.Count} remediation namespaces");
        Assert.Empty(transport);
    }
}
