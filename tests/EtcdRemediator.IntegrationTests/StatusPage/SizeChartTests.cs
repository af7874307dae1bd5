using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using static EtcdRemediator.IntegrationTests.StatusPage.StatusPageTests;

namespace EtcdRemediator.IntegrationTests.StatusPage;

/// <summary>The status page's size chart in Chromium, over a cluster whose data grows: lines per member, the quota, the forecast dashed.</summary>
[StartsFirst]
public sealed class SizeChartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Token = "chart-operator-token-0123456789";

    [Fact]
    public async Task TheChartDrawsEachMembersFileAndDataTheQuotaAndTheForecast()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = 128L * 1024 * 1024 });
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "chart-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>(RemediatorApp.ForCluster(cluster))
        {
            ["Remediator:Auth:OperatorTokens:0"] = Token,
            ["Remediator:Watch:Interval"] = "1s",
            ["Remediator:Forecast:Window"] = "1m",
        });
        using var writing = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !writing.IsCancellationRequested; i++)
            {
                await cluster.WriteAsync($"grow/{i:D4}/", 50);
                await Task.Delay(1000);
            }
        });
        using var browser = Chromium(Path.Combine(data, "chromium"));
        try
        {
            var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(60));
            browser.Navigate().GoToUrl(service.Url + "/?refresh=2000");
            wait.Until(d => d.FindElement(By.Id("token-form")).Displayed);
            browser.FindElement(By.Id("token")).SendKeys(Token);
            browser.FindElement(By.CssSelector("#token-form button")).Click();

            // History is read at most every 30 s: the chart appears, then gains its readings and forecasts.
            var counts = wait.Until(d => Script<string>(d, """
                const c = document.querySelector("[data-cluster='lab'] svg.size-chart");
                if (!c) return null;
                const n = s => c.querySelectorAll(s).length;
                const points = Math.min(...[...c.querySelectorAll("polyline.file")].map(p => p.points.numberOfItems));
                return n("polyline.forecast") === 3 && points >= 3 ? `${n("polyline.file")} ${n("polyline.used")} ${n("line.quota")} ${n("polyline.forecast")}` : null;
                """))!;
            var labels = Script<string>(browser, "return [...document.querySelectorAll(\"[data-cluster='lab'] svg.size-chart text\")].map(t => t.textContent).join('|')");

            Assert.Equal("3 3 1 3", counts);
            Assert.Contains("128.0 MiB", labels, StringComparison.Ordinal);
            Assert.Contains("now", labels, StringComparison.Ordinal);
            var notes = Script<string>(browser, "return [...document.querySelectorAll(\"[data-cluster='lab'] .forecast-note\")].map(n => n.textContent).join('|')");
            Assert.Equal(3, notes.Split('|').Count(n => n.Contains("a defrag will not help", StringComparison.Ordinal)));
            var screenshot = Path.Combine(RepoFiles.Root, "artifacts", "status-page-chart.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(screenshot);
            output.WriteLine($"screenshot: {screenshot}");
        }
        finally
        {
            browser.Quit();
            await writing.CancelAsync();
            await writer.ContinueWith(_ => { }, TaskScheduler.Default);
            Directory.Delete(data, recursive: true);
        }
    }
}
