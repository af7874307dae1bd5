using EtcdRemediator.Remediation.Api;
using FluentValidation;

namespace EtcdRemediator.Api;

internal static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// What the operator endpoints need of their own: the manual trigger's validator. Request bodies
    /// (these and the webhook's) refuse a field given twice: `{"dryRun":true,"dryRun":false}` would
    /// otherwise be read as its last value, a real run, by whoever wrote the first.
    /// </summary>
    public static IServiceCollection AddRemediatorApi(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o =>
            {
                o.SerializerOptions.AllowDuplicateProperties = false;
                o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default);
            })
            .AddSingleton<IValidator<RemediationRequest>, RemediationRequestValidator>();
}
