using OpenQA.Selenium.Support.UI;
using static EtcdRemediator.IntegrationTests.StatusPage.StatusPageTests;

namespace EtcdRemediator.IntegrationTests.StatusPage;

/// <summary>The page says where the newest off-site copy is, as Debian's Chromium draws it.</summary>
public sealed class OffsiteOnThePageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task AfterASnapshotRunThePageShowsTheClustersNewestOffsiteCopyItsSizeAndItsObject()
    {
        await using var s3 = await S3Server.StartAsync();
        await using var cluster = await EtcdTestCluster.StartAsync();
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "page-offsite-").FullName;
        var keys = Path.Combine(data, "key.txt");
        var settings = RemediatorApp.ForCluster(cluster);
        s3.Configure(settings);
        settings["Remediator:Snapshots:Offsite:AgeRecipients:0"] = await Tools.NewAgeKeyAsync(keys);
        await using var service = await ServiceProcess.StartAsync(data, settings);
        var run = await service.Client.RunToEndAsync("lab", "snapshot");
        Assert.Equal(RunStatus.Succeeded, run.Status);
        using var browser = Chromium(Path.Combine(data, "chromium"));
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(30));

        browser.Navigate().GoToUrl(service.Url + "/");
        var shown = wait.Until(d => Script<string>(d,
            "const o = document.querySelector(\"[data-cluster='lab'] .offsite\"); return o ? [o.className, o.title, o.textContent].join('|') : null;"))!;
        output.WriteLine(shown);

        var (classes, title, text) = shown.Split('|') is [var c, var t, var x] ? (c, t, x) : throw new InvalidOperationException(shown);
        Assert.Equal($"etcd-remediator/lab/{Path.GetFileName(run.Snapshot!.Path)}.age", title);
        Assert.Matches(@"^newest off-site copy [\d.]+ (B|KiB|MiB) at ", text);
        Assert.Contains("muted", classes, StringComparison.Ordinal); // a copy of today: not drawn as a problem
        browser.Quit();
        Directory.Delete(data, recursive: true);
    }
}
