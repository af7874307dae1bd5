using EtcdRemediator.Api;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation;

var builder = WebApplication.CreateBuilder(args);
builder.AddRemediatorConfiguration();
builder.Services.AddProblemDetails();
builder.Services.AddEtcdClusters();
builder.Services.AddRemediation();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapClusterEndpoints();
app.MapRemediationEndpoints();

return await app.RunOrExplainAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
