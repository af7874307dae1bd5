using EtcdRemediator.Remediation.Api;

namespace EtcdRemediator.Tests.Api;

public sealed class RemediationRequestValidatorTests
{
    private static readonly RemediationRequestValidator Validator = new();

    [Theory]
    [InlineData(null, "'action' is required")]
    [InlineData("", "'action' is required")]
    [InlineData("reboot", "'reboot' is not an action")]
    [InlineData("DEFRAGMENT", "'DEFRAGMENT' is not an action")]
    public void AMissingOrUnknownActionIsRefusedUnderItsJsonName(string? action, string message)
    {
        var result = Validator.Validate(new RemediationRequest(action));

        var error = Assert.Single(result.Errors);
        Assert.Equal("action", error.PropertyName);
        Assert.Contains(message, error.ErrorMessage);
    }

    [Theory]
    [InlineData("defrag")]
    [InlineData("recover")]
    [InlineData("snapshot")]
    [InlineData("disarm")]
    [InlineData("Defrag")]
    public void EveryActionIsAccepted(string action) => Assert.True(Validator.Validate(new RemediationRequest(action)).IsValid);
}
