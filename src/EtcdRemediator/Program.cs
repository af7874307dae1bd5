using EtcdRemediator.Api;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;

var builder = WebApplication.CreateBuilder(args);
builder.AddRemediatorConfiguration();
builder.Services.AddProblemDetails();
builder.Services.AddEtcdClusters();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapClusterEndpoints();

return await app.RunOrExplainAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
