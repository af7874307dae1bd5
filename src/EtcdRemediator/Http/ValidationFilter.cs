using FluentValidation;

namespace EtcdRemediator.Http;

/// <summary>
/// Answers for a <see cref="JsonBody{T}"/> argument: its parse problems, then the FluentValidation
/// rules for <typeparamref name="T"/>, each as RFC 7807 problem details keyed by field.
/// </summary>
internal sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter where T : class, IJsonBodyType
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var body = context.Arguments.OfType<JsonBody<T>>().Single();
        if (body.Errors.Count > 0)
            return body.Status == StatusCodes.Status400BadRequest
                ? TypedResults.ValidationProblem(body.Errors, title: "The request body is not valid")
                : TypedResults.Problem(statusCode: body.Status, title: "The request body cannot be read",
                    detail: body.Errors.Values.First()[0], extensions: new Dictionary<string, object?> { ["errors"] = body.Errors });
        var result = await validator.ValidateAsync(body.Value!, context.HttpContext.RequestAborted);
        if (!result.IsValid)
            return TypedResults.ValidationProblem(result.ToDictionary(), title: "The request body is not valid");
        return await next(context);
    }
}
