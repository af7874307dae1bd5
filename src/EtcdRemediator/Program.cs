using EtcdRemediator.Alerts;
using EtcdRemediator.Api;
using EtcdRemediator.Auth;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Observability;
using EtcdRemediator.Remediation;
using EtcdRemediator.Scheduling;
using EtcdRemediator.StatusPage;

if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddRemediatorConfiguration();
builder.AddObservability();
builder.Services.AddProblemDetails();
builder.Services.AddEtcdClusters();
builder.Services.AddRemediation();
builder.Services.AddScheduling();
builder.Services.AddAlerts();
builder.Services.AddRemediatorAuth();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRemediatorAuth();
app.MapClusterEndpoints();
app.MapRemediationEndpoints();
app.MapAlertEndpoints();
app.MapObservability();
app.MapStatusPage();

return await app.RunOrExplainAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
