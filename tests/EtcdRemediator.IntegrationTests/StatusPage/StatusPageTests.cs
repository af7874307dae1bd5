using System.Globalization;
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
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = 64L * 1024 * 1024 });
        await cluster.FragmentAsync(megabytes: 12);
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "page-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>(RemediatorApp.ForCluster(cluster))
        {
            ["Remediator:Auth:OperatorTokens:0"] = "page-operator-token-0123456789",
            // A schedule and a window that do not come during the test (January 1st), and the watch.
            ["Remediator:Clusters:0:Schedules:0:Action"] = "snapshot",
            ["Remediator:Clusters:0:Schedules:0:Cron"] = "0 2 1 1 *",
            ["Remediator:Clusters:0:MaintenanceWindows:0:Cron"] = "0 3 1 1 *",
            ["Remediator:Clusters:0:MaintenanceWindows:0:Duration"] = "2h",
            ["Remediator:Watch:Interval"] = "2s",
            ["Remediator:Alerts:AllowRemediationLabel"] = "true", // the alert below asks for a snapshot by its label
        });
        using var browser = Chromium(Path.Combine(data, "chromium"));
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(30));

        // A short refresh interval: the page redraws all the time while the test reads and clicks it,
        // at its floor: a link asking for 300 ms gets 2 s (a shared link must not make browsers hammer etcd).
        browser.Navigate().GoToUrl(service.Url + "/?refresh=300");
        Assert.Equal("2000", wait.Until(d => Script<string>(d, "return document.documentElement.dataset.refreshMs || null;")));
        // Tokens are configured: the page asks for one, once.
        wait.Until(d => d.FindElement(By.Id("token-form")).Displayed);
        browser.FindElement(By.Id("token")).SendKeys("page-operator-token-0123456789");
        browser.FindElement(By.CssSelector("#token-form button")).Click();

        // Read in one script, so that a redraw between two reads cannot mix two pages.
        var rows = wait.Until(d => Rows(d) is { Count: 3 } r && r.All(m => m["size"].Contains("MiB", StringComparison.Ordinal)) ? r : null)!;
        Assert.Single(rows, m => m["name"].Contains("★ leader", StringComparison.Ordinal));
        // 12 MB written and deleted: every member is past the 50% threshold, and says so in words and colour.
        Assert.All(rows, m => Assert.Equal("warn", m["level"]));
        Assert.All(rows, m => Assert.Matches(@"\d+(\.\d)?% fragmented", m["condition"]));
        // The bar is the 64 MiB quota: the file part is drawn to its scale, the in-use part inside it.
        Assert.All(rows, m =>
        {
            var fileShare = double.Parse(m["file"], CultureInfo.InvariantCulture) / double.Parse(m["bar"], CultureInfo.InvariantCulture);
            var expected = double.Parse(m["quotaPercent"], CultureInfo.InvariantCulture) / 100;
            Assert.InRange(fileShare, expected - 0.03, expected + 0.03);
            Assert.True(double.Parse(m["used"], CultureInfo.InvariantCulture) < double.Parse(m["file"], CultureInfo.InvariantCulture), $"{m["name"]}: in use is inside the file");
            Assert.Contains("bytes", m["exact"]);
        });
        var legend = Script<string>(browser, "return document.querySelector(\"[data-cluster='lab'] .legend\").textContent");
        Assert.Contains("64.0 MiB quota (reported by etcd)", legend);
        // Every mark on the bars and every colour of a row is explained: the orange edge too.
        Assert.Contains("orange edge marks where the file ends", legend);
        Assert.Contains("green healthy; orange fragmented", legend);
        Assert.Contains("Times are UTC", legend);
        // Times as the API and the logs write them: UTC, with the zone.
        Assert.Matches(@"^updated \d{2}:\d{2}:\d{2} UTC$", Script<string>(browser, "return document.getElementById('refreshed').textContent"));
        Assert.Contains("ready for alerts", Script<string>(browser, "return document.querySelector(\"[data-cluster='lab'] .cluster-head\").textContent"));
        // What runs without an alert, in words: the window, the schedule, the watch's last reading.
        var maintenance = wait.Until(d => Script<string>(d, "const m = document.querySelector(\"[data-cluster='lab'] .maintenance\"); return m && m.textContent.includes('watch read') ? m.textContent : null;"))!;
        output.WriteLine(maintenance);
        Assert.Contains("outside the maintenance window (defrags wait); next window opens", maintenance);
        Assert.Contains("snapshot on '0 2 1 1 *' UTC: next", maintenance);

        ClickWhenThere(browser, wait, "[data-cluster='lab'] button.dry-run");
        var confirm = wait.Until(d => { try { return d.SwitchTo().Alert(); } catch (NoAlertPresentException) { return null; } })!;
        Assert.Contains("Dry run on lab", confirm.Text);
        confirm.Accept();

        var runText = wait.Until(d => Script<string>(d,
            "const r = [...document.querySelectorAll(\"[data-cluster='lab'] tr.run\")].find(r => r.textContent.includes('DryRun') && r.textContent.includes('(dry run)')); return r ? r.textContent : null;"))!;
        Assert.Contains("manual", runText);
        ClickWhenThere(browser, wait, "[data-cluster='lab'] tr.run");
        var steps = wait.Until(d => Script<string>(d, "const s = document.querySelector(\"[data-cluster='lab'] tr.steps\"); return s ? s.textContent : null;"))!;
        Assert.Contains("defragment in order", steps);
        var when = Script<IReadOnlyDictionary<string, object>>(browser,
            "const t = document.querySelector(\"[data-cluster='lab'] tr.run .time\"); return { text: t.textContent, local: t.title };");
        Assert.Matches(@"^(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2} UTC$", (string)when["text"]);
        Assert.StartsWith("local time: ", (string)when["local"]);

        // An alert-triggered run whose trigger carries Alertmanager's long group key (a snapshot: touches nothing).
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "page-operator-token-0123456789");
            var delivery = Alerts.Payloads.Delivery(Alerts.Payloads.Alert("etcdDatabaseHighFragmentationRatio", extra: new() { ["remediation"] = "snapshot" }))
                .Replace("\"groupKey\":\"", "\"groupKey\":\"" + string.Concat(Enumerable.Repeat("{}/{alertname=~\\\"etcd.*\\\"}:", 30)), StringComparison.Ordinal);
            var posted = await http.PostAsync(service.Url + "/api/v1/alerts", new StringContent(delivery, System.Text.Encoding.UTF8, "application/json"));
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }
        wait.Until(d => Script<bool>(d, "return [...document.querySelectorAll(\"[data-cluster='lab'] tr.run\")].some(r => r.textContent.includes('alert:'))"));

        foreach (var width in new[] { 1400, 800 })
        {
            browser.Manage().Window.Size = new System.Drawing.Size(width, 1100);
            wait.Until(d => Script<long>(d, "return window.innerWidth") <= width);
            wait.Until(d => Rows(d) is { Count: 3 });
            // Nothing wider than the window: long trigger texts and group keys wrap.
            var overflow = Script<long>(browser, "return document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"the page is {overflow} px wider than a {width} px window");
            if (width == 1400) Assert.Equal("", Script<string>(browser, BrokenWords));
            var screenshot = Path.Combine(RepoFiles.Root, "artifacts", $"status-page-{width}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(screenshot);
            output.WriteLine($"screenshot: {screenshot}");
        }
        Assert.Empty(DefragEvidence.Windows(cluster));
        browser.Quit();
        Directory.Delete(data, recursive: true);
    }

    /// <summary>
    /// Words cut across two lines in the lab cluster's tables (a narrow column and <c>overflow-wrap: anywhere</c> once
    /// printed "defragmen" / "t"): each word of letters, measured by the lines its own range covers. Tokens that are not
    /// words (paths, ids, group keys) may wrap where they must. A step's name and outcome must also fit with room to spare.
    /// </summary>
    private const string BrokenWords = """
        const broken = [];
        for (const cell of document.querySelectorAll("[data-cluster='lab'] td, [data-cluster='lab'] th")) {
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const m of node.data.matchAll(/(?<=^|\s)[A-Za-z][A-Za-z-]{3,23}(?=[\s.,;:)]|$)/g)) {
              const range = document.createRange();
              range.setStart(node, m.index);
              range.setEnd(node, m.index + m[0].length);
              if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) broken.push(m[0]);
            }
          }
        }
        // The step and outcome columns hold one word each: with room for a font 15 % wider than this machine's,
        // so that a reader's own fonts do not cut them either.
        for (const cell of document.querySelectorAll("[data-cluster='lab'] .steps-table td:nth-child(1), [data-cluster='lab'] .steps-table td:nth-child(3)")) {
          const style = getComputedStyle(cell);
          const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          const range = document.createRange();
          range.selectNodeContents(cell);
          if (range.getBoundingClientRect().width * 1.15 > room) broken.push(cell.textContent.trim() + " (no room for a wider font)");
        }
        return broken.join(" ");
        """;

    internal static T Script<T>(IWebDriver driver, string script) => (T)((IJavaScriptExecutor)driver).ExecuteScript(script)!;

    /// <summary>Every member row of the lab cluster as strings, read in one go from the live page.</summary>
    private static List<Dictionary<string, string>> Rows(IWebDriver driver) =>
        [.. ((IReadOnlyCollection<object>)((IJavaScriptExecutor)driver).ExecuteScript("""
            return [...document.querySelectorAll("[data-cluster='lab'] .member")].map(m => ({
              name: m.querySelector('.name').textContent, level: m.dataset.level,
              condition: m.querySelector('.condition').textContent, size: m.querySelector('.size').textContent,
              bar: String(m.querySelector('.bar').getBoundingClientRect().width),
              file: String(m.querySelector('.bar .file').getBoundingClientRect().width),
              used: String(m.querySelector('.bar .used').getBoundingClientRect().width),
              quotaPercent: (m.querySelector('.size').textContent.match(/([\d.]+)% of quota/) || [, "0"])[1],
              exact: m.querySelector('.bytes') ? m.querySelector('.bytes').title : "" }));
            """)!).Select(o => ((IDictionary<string, object>)o).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? ""))];

    /// <summary>Finds and clicks in one try, again if a redraw replaced the element in between.</summary>
    private static void ClickWhenThere(IWebDriver driver, WebDriverWait wait, string selector) =>
        wait.Until(d =>
        {
            try
            {
                d.FindElement(By.CssSelector(selector)).Click();
                return true;
            }
            catch (Exception e) when (e is StaleElementReferenceException or NoSuchElementException)
            {
                return false;
            }
        });

    /// <summary>Debian's chromium and chromedriver, given by path: nothing is downloaded.</summary>
    internal static ChromeDriver Chromium(string profile)
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
