using EtcdRemediator.Startup;
using Microsoft.Extensions.Configuration;

namespace EtcdRemediator.Tests.Forecasting;

public sealed class ForecastOptionsTests
{
    private static (RemediatorOptions Options, List<string> Errors) Check(Dictionary<string, string?> settings)
    {
        var check = ConfigurationCheck.Run(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(RemediatorOptions.Section));
        var options = new RemediatorOptions();
        check.Bind(options);
        return (options, [.. check.Errors, .. RemediatorOptionsValidator.Collect(options, inKubernetes: false)]);
    }

    [Fact]
    public void TheWindowIsSixHoursAndTheHorizonADayUnlessToldAsOperatorsWriteDurations()
    {
        var (defaults, none) = Check([]);
        var (set, alsoNone) = Check(new() { ["Remediator:Forecast:Window"] = "2h", ["Remediator:Forecast:Horizon"] = "3d" });

        Assert.Empty(none);
        Assert.Empty(alsoNone);
        Assert.Equal((TimeSpan.FromHours(6), TimeSpan.FromHours(24)), (defaults.Forecast.Window, defaults.Forecast.Horizon));
        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromDays(3)), (set.Forecast.Window, set.Forecast.Horizon));
    }

    [Theory]
    [InlineData("Remediator:Forecast:Window", "6", "Remediator:Forecast:Window: '6' is not a duration")]
    [InlineData("Remediator:Forecast:Window", "30s", "Remediator:Forecast:Window: must be at least 1m")]
    [InlineData("Remediator:Forecast:Horizon", "0s", "Remediator:Forecast:Horizon: must be a positive duration")]
    [InlineData("Remediator:Forecast:Horizn", "24h", "Remediator:Forecast:Horizn: is not a setting; did you mean Remediator:Forecast:Horizon?")]
    public void ABadForecastSettingIsAStartUpErrorNamingItsKey(string key, string value, string expected)
    {
        var (_, errors) = Check(new() { [key] = value });

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
