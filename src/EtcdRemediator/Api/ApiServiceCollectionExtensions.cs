using FluentValidation;

namespace EtcdRemediator.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>What the operator endpoints need of their own: the manual trigger's validator.</summary>
    public static IServiceCollection AddRemediatorApi(this IServiceCollection services) =>
        services.AddSingleton<IValidator<RemediationRequest>, RemediationRequestValidator>();
}
