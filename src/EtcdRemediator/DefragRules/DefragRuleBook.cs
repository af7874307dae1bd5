using System.Collections.Concurrent;
using EtcdRemediator.Configuration;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.DefragRules;

/// <summary>
/// Each cluster's rule, compiled once from the configuration the start-up check passed: the planner, the
/// watch and the status views ask here, so they never disagree about a member.
/// </summary>
internal sealed class DefragRuleBook(IOptions<RemediatorOptions> options)
{
    private readonly ConcurrentDictionary<string, DefragRule> _rules = new(StringComparer.OrdinalIgnoreCase);

    public DefragRule For(string cluster) => _rules.GetOrAdd(cluster, name => Of(options.Value, name));

    /// <summary>The cluster's <c>DefragRule</c>, or the policy's thresholds when none is set (an empty value counts as none).</summary>
    public static DefragRule Of(RemediatorOptions options, string cluster)
    {
        var index = options.Clusters.FindIndex(c => c.Name.Equals(cluster, StringComparison.OrdinalIgnoreCase));
        return index >= 0 && options.Clusters[index].DefragRule is { } text && !string.IsNullOrWhiteSpace(text)
            ? DefragRule.Parse(text, KeyOf(index))
            : DefragRule.Default(options.Policy);
    }

    public static string KeyOf(int cluster) => $"{RemediatorOptions.Section}:Clusters:{cluster}:DefragRule";

    /// <summary>The start-up check: the message names the key and where in the rule it goes wrong.</summary>
    public static string? Error(ClusterOptions cluster, int index) =>
        string.IsNullOrWhiteSpace(cluster.DefragRule) || DefragRule.TryParse(cluster.DefragRule, KeyOf(index), out _, out var error)
            ? null
            : $"{KeyOf(index)}: '{Quoted(cluster.DefragRule)}' {error}.";

    /// <summary>A rule as the start-up error quotes it: a rule of 30,000 brackets is not worth 30,000 characters of the error.</summary>
    private static string Quoted(string rule) => rule.Length <= 120 ? rule : $"{rule[..100]}... ({rule.Length} characters)";
}
