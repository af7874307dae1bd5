using System.Collections.Frozen;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using static System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes;

namespace EtcdRemediator.Configuration;

/// <summary>
/// Reads every key under <c>Remediator</c> before it is bound, so that nothing is silently ignored or
/// silently replaced by a default: an unknown key is refused with the nearest known one, a value
/// that does not fit its key's type is refused with the key and the value, and durations and sizes
/// are accepted as operators write them (<see cref="Durations"/>). What passes is handed to the
/// binder in the form it understands; what does not is in <see cref="Errors"/>.
/// </summary>
internal sealed class ConfigurationCheck
{
    private ConfigurationCheck(IConfiguration normalized, IReadOnlyList<string> errors)
    {
        _normalized = normalized;
        Errors = errors;
    }

    /// <summary>What passed, in the form the binder understands: bound only through <see cref="Bind"/>, so that no cluster goes
    /// without its section.</summary>
    private readonly IConfiguration _normalized;
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Binds what passed into <paramref name="options"/>, each cluster with its own section (<see cref="ClusterOptions.Section"/>),
    /// from which its backend binds the settings only it reads.</summary>
    public void Bind(RemediatorOptions options)
    {
        var before = options.Clusters.Count;
        _normalized.Bind(options);
        // The binder appends one cluster per child section, in the children's order, whatever their indexes (Clusters:1 and
        // Clusters:2 alone become items 0 and 1): pair them the same way, not by index.
        var sections = _normalized.GetSection(nameof(RemediatorOptions.Clusters)).GetChildren().ToList();
        for (var i = 0; i < sections.Count && before + i < options.Clusters.Count; i++)
            options.Clusters[before + i].Section = sections[i];
    }

    /// <summary>Every key of the options' tree, with <c>*</c> for a list index or a free-form dictionary key, and its type.</summary>
    private static readonly FrozenDictionary<string, Type> OptionKeys =
        KnownKeys(typeof(RemediatorOptions), "").ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The keys of <typeparamref name="T"/>'s public properties under <paramref name="prefix"/>, as the check knows them: a
    /// backend's own settings (<c>Talos:ConfigFile</c>), which it binds from its cluster's section.</summary>
    /// <exception cref="ArgumentException">A property of another settings type: the annotation keeps <typeparamref name="T"/>'s own
    /// properties only, so a native build would not know the nested type's keys.</exception>
    public static IReadOnlyDictionary<string, Type> KeysOf<[DynamicallyAccessedMembers(PublicProperties)] T>(string prefix)
    {
        var keys = KnownKeys(typeof(T), prefix);
        return keys.Keys.All(k => k.Count(c => c == ':') - prefix.Count(c => c == ':') == 1 || k.EndsWith(":*", StringComparison.Ordinal))
            ? keys
            : throw new ArgumentException($"{typeof(T).Name}: a backend's settings are flat (values and lists of values)", nameof(T));
    }

    /// <summary>The key naming a cluster's backend: its value is one of the registered backends' names.</summary>
    private static readonly string BackendKey = $"{nameof(RemediatorOptions.Clusters)}:*:{nameof(ClusterOptions.Backend)}";

    /// <param name="backends">The registered backends' names and the keys each reads under a cluster (<see cref="KeysOf"/>); without
    /// them any backend name passes here (the start-up validator still refuses one no backend has) and no backend's keys are known.</param>
    public static ConfigurationCheck Run(IConfigurationSection section,
        IReadOnlyCollection<(string Name, IReadOnlyDictionary<string, Type> SettingKeys)>? backends = null)
    {
        var known = Known(backends ?? []);
        var names = backends?.Select(b => b.Name).ToList();
        var errors = new List<string>();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in section.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var key = $"{RemediatorOptions.Section}:{path}";
            var pattern = Pattern(known, path);
            if (!known.TryGetValue(pattern, out var type))
            {
                // A parent of known keys given a value ("Clusters:0" = x) is as wrong as a typo.
                var near = Nearest(known, pattern, path);
                errors.Add($"{key}: is not a setting" + (near is null ? "." : $"; did you mean {RemediatorOptions.Section}:{near}?"));
                continue;
            }
            var fits = names is not null && pattern.Equals(BackendKey, StringComparison.OrdinalIgnoreCase)
                ? OneOf(value!, names, out var normalized, out var problem)
                : Normalize(value!, type, out normalized, out problem);
            if (fits) values[path] = normalized;
            else errors.Add($"{key}: '{value}' {problem}");
        }
        return new ConfigurationCheck(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), errors);
    }

    /// <summary>The options' keys and each backend's own under <c>Clusters:*</c>.</summary>
    private static FrozenDictionary<string, Type> Known(IEnumerable<(string Name, IReadOnlyDictionary<string, Type> SettingKeys)> backends)
    {
        var keys = new Dictionary<string, Type>(OptionKeys, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, type) in backends.SelectMany(b => b.SettingKeys))
            keys[$"{nameof(RemediatorOptions.Clusters)}:*:{key}"] = type;
        return keys.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>One of <paramref name="names"/>, in any case; normalised to its own spelling.</summary>
    private static bool OneOf(string value, IReadOnlyCollection<string> names, out string normalized, out string problem)
    {
        var match = names.FirstOrDefault(n => n.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase));
        normalized = match ?? value;
        problem = $"is not one of {string.Join(", ", names)}.";
        return match is not null;
    }

    private static bool Normalize(string value, Type type, out string normalized, out string problem)
    {
        normalized = value;
        problem = "";
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return true;
        if (type == typeof(TimeSpan))
        {
            var ok = Durations.TryParseDuration(value, out var d);
            normalized = d.ToString("c", CultureInfo.InvariantCulture);
            problem = ok
                ? $"is longer than the largest duration allowed, {Durations.Longest.TotalDays:0}d."
                : $"is not a duration: {Durations.DurationForms}.";
            return ok && d <= Durations.Longest;
        }
        if (type == typeof(long))
        {
            var ok = Durations.TryParseSize(value, out var bytes);
            normalized = bytes.ToString(CultureInfo.InvariantCulture);
            problem = $"is not a size: {Durations.SizeForms}.";
            return ok;
        }
        if (type.IsEnum) return OneOf(value, Enum.GetNames(type), out normalized, out problem);
        if (type == typeof(int))
        {
            problem = "is not a whole number.";
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        }
        if (type == typeof(double))
        {
            problem = "is not a number (use a dot for decimals).";
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        }
        if (type == typeof(bool))
        {
            problem = "is not true or false.";
            return bool.TryParse(value, out _);
        }
        problem = $"cannot be read as {type.Name}.";
        return false;
    }

    /// <summary>"Clusters:0:Tls:CaFile" -> "Clusters:*:Tls:CaFile"; a free-form dictionary key also becomes "*".</summary>
    private static string Pattern(FrozenDictionary<string, Type> known, string path)
    {
        var parts = path.Split(':');
        for (var i = 0; i < parts.Length; i++)
        {
            var prefix = string.Join(':', parts.Take(i));
            if (int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                || known.ContainsKey(prefix == "" ? "*" : $"{prefix}:*")
                    && !known.Keys.Any(k => k.StartsWith($"{prefix}:{parts[i]}", StringComparison.OrdinalIgnoreCase)))
                parts[i] = "*";
        }
        var pattern = string.Join(':', parts);
        return known.Keys.FirstOrDefault(k => k.Equals(pattern, StringComparison.OrdinalIgnoreCase)) ?? pattern;
    }

    /// <summary>The known key closest to what was written, with the written list indexes put back.</summary>
    private static string? Nearest(FrozenDictionary<string, Type> known, string pattern, string path)
    {
        var best = Spelling.Nearest(known.Keys, pattern, Math.Max(3, pattern.Length / 3));
        if (best is null) return null;
        var written = new Queue<string>(path.Split(':').Where(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)));
        return string.Join(':', best.Split(':').Select(p => p != "*" ? p : written.Count > 0 ? written.Dequeue() : "0"));
    }

    /// <summary>Every type of the options' tree, each kept with its public properties in a trimmed build (where reflection sees only
    /// what is kept): the walk below reads them. A unit test (ConfigurationCheckTests) walks the tree and finds each in this list.</summary>
    public static readonly Type[] OptionTypes =
    [
        typeof(RemediatorOptions), typeof(SnapshotOptions), typeof(OffsiteOptions), typeof(StorageOptions), typeof(AlertOptions),
        typeof(AuthOptions), typeof(PolicyOptions), typeof(ForecastOptions), typeof(ClusterOptions), typeof(TlsOptions),
        typeof(SchedulingOptions), typeof(ScheduleOptions), typeof(MaintenanceWindowOptions), typeof(WatchOptions),
    ];

    private const string WalkedTypesAreKept = "Every type the walk reaches is one of OptionTypes, kept with its public properties by the " +
        "attributes below, or a backend's settings type, kept by KeysOf's annotation (its own properties only: KeysOf refuses nested types).";

    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(RemediatorOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(SnapshotOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(OffsiteOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(StorageOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(AlertOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(AuthOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(PolicyOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(ForecastOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(ClusterOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(TlsOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(SchedulingOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(ScheduleOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(MaintenanceWindowOptions))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(PublicProperties, typeof(WatchOptions))]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2070",
        Justification = WalkedTypesAreKept)]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075",
        Justification = WalkedTypesAreKept)]
    private static Dictionary<string, Type> KnownKeys(Type type, string prefix)
    {
        var keys = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
        {
            var key = prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}";
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(t)) keys[key] = t;
            else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
                Add(keys, t.GetGenericArguments()[1], $"{key}:*");
            else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
                Add(keys, t.GetGenericArguments()[0], $"{key}:*");
            else foreach (var (k, v) in KnownKeys(t, key)) keys[k] = v;
        }
        return keys;
    }

    private static void Add(Dictionary<string, Type> keys, Type element, string key)
    {
        if (IsLeaf(element)) keys[key] = element;
        else foreach (var (k, v) in KnownKeys(element, key)) keys[k] = v;
    }

    private static bool IsLeaf(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(TimeSpan) || t == typeof(decimal);
}
