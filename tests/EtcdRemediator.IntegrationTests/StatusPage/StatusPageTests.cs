using EtcdRemediator.IntegrationTests.Etcd;
using EtcdRemediator.IntegrationTests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace EtcdRemediator.IntegrationTests.StatusPage;

/// <summary>The page as a person sees it: Debian's Chromium, headless, driven by Selenium.</summary>
public sealed class StatusPageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task ThePageShowsTheMembersAndADryRunStartedFromItAppearsInTheRunList()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 12);
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "page-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>(RemediatorApp.ForCluster(cluster))
        {
            ["Remediator:Auth:OperatorTokens:0"] = "page-operator-token",
        });
        using var browser = Chromium(Path.Combine(data, "chromium"));
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(30));

        browser.Navigate().GoToUrl(service.Url + "/");
        // Tokens are configured: the page asks for one, once.
        wait.Until(d => d.FindElement(By.Id("token-form")).Displayed);
        browser.FindElement(By.Id("token")).SendKeys("page-operator-token");
        browser.FindElement(By.CssSelector("#token-form button")).Click();

        var members = wait.Until(d =>
        {
            var rows = d.FindElements(By.CssSelector("[data-cluster='lab'] .member"));
            return rows.Count == 3 && rows.All(r => r.FindElement(By.ClassName("size")).Text.Contains("MB", StringComparison.Ordinal)) ? rows : null;
        })!;
        Assert.Single(members, m => m.Text.Contains("★ leader", StringComparison.Ordinal));
        Assert.All(members, m => Assert.Matches(@"in use \(\d+(\.\d)?%\)", m.FindElement(By.ClassName("size")).Text));
        Assert.Contains("ready for alerts", browser.FindElement(By.CssSelector("[data-cluster='lab'] .cluster-head")).Text);

        browser.FindElement(By.CssSelector("[data-cluster='lab'] button.dry-run")).Click();
        var confirm = wait.Until(d => { try { return d.SwitchTo().Alert(); } catch (NoAlertPresentException) { return null; } })!;
        Assert.Contains("Dry run on lab", confirm.Text);
        confirm.Accept();

        var run = wait.Until(d => d.FindElements(By.CssSelector("[data-cluster='lab'] tr.run"))
            .FirstOrDefault(r => r.Text.Contains("DryRun", StringComparison.Ordinal) && r.Text.Contains("(dry run)", StringComparison.Ordinal)))!;
        Assert.Contains("manual", run.Text);
        run.Click();
        var steps = wait.Until(d => d.FindElements(By.CssSelector("[data-cluster='lab'] tr.steps")).FirstOrDefault())!;
        Assert.Contains("defragment in order", steps.Text);

        var screenshot = Path.Combine(RepoFiles.Root, "artifacts", "status-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(screenshot);
        output.WriteLine($"screenshot: {screenshot}");
        Assert.Empty(DefragEvidence.Windows(cluster));
        browser.Quit();
        Directory.Delete(data, recursive: true);
    }

    /// <summary>Debian's chromium and chromedriver, given by path: nothing is downloaded.</summary>
    private static ChromeDriver Chromium(string profile)
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={profile}", "--window-size=1280,1100");
        var driver = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        driver.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(driver, options, TimeSpan.FromSeconds(60));
    }
}
