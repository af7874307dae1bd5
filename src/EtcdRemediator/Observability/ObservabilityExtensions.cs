using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EtcdRemediator.Observability;

internal static class ObservabilityExtensions
{
    /// <summary>
    /// Traces (ASP.NET Core, gRPC client, our runs), metrics (ours, ASP.NET Core, runtime) and logs
    /// with scopes (the run id). /metrics always; OTLP for all three when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    /// </summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RemediatorTelemetry>();
        // One line per event with the run in its scope; the trace id only (span ids add nothing to read).
        // Logging__Console__FormatterName=json gives JSON lines for log shippers, scopes as fields.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId);
        if (string.Equals(builder.Configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase))
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        else
            builder.Logging.AddEscapingConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(RemediatorTelemetry.Name))
            .WithTracing(t => t
                .AddSource(RemediatorTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                .AddGrpcClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(RemediatorTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeScopes = true;
            o.IncludeFormattedMessage = true;
        });
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        return builder;
    }

    public static WebApplication MapObservability(this WebApplication app)
    {
        // Cluster and member names, database sizes, leadership: not for anonymous callers (#38). Prometheus
        // scrapes with a metrics token; with no tokens configured, loopback clients read it as before.
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Auth.AuthPolicies.Metrics);
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync });
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
