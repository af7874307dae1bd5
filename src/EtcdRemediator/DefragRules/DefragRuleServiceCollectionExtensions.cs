namespace EtcdRemediator.DefragRules;

internal static class DefragRuleServiceCollectionExtensions
{
    /// <summary>Each cluster's defrag rule (CEL, or the policy's thresholds written as one), checked at start-up.</summary>
    public static IServiceCollection AddDefragRules(this IServiceCollection services) => services.AddSingleton<DefragRuleBook>();
}
