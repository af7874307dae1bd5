namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// Nothing in the service protects a cookie or a payload, yet ASP.NET Core's AddAuthentication brought data protection,
/// whose key ring was loaded at every start: OpenSSL loaded, a key generated and written to ~/.aspnet/DataProtection-Keys
/// (the image's user has no writable home), ~30 ms of the start. Found by strace while measuring start-up (issue 40).
/// </summary>
public sealed class HomeFolderTests
{
    [Fact]
    public async Task TheServiceStartsAuthenticatesAndAnswersWithoutWritingIntoItsHomeFolder()
    {
        var root = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "home-").FullName;
        var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        try
        {
            var settings = new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster()) { ["HOME"] = home };
            await using var service = await ServiceProcess.StartAsync(Path.Combine(root, "data"), settings);

            // A request the bearer scheme authenticates (loopback, no tokens configured: an operator).
            var history = await service.Client.GetAsync("/api/v1/remediations");
            Assert.Equal(HttpStatusCode.OK, history.StatusCode);
            Assert.Empty(Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
