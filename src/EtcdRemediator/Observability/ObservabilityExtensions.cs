using System.Diagnostics.Metrics;
using EtcdRemediator.Configuration;
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
                .AddPrometheusExporter()
                .AddView(SeriesLimits(ConfiguredClusters(builder.Configuration))));
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

    /// <summary>
    /// How many series an instrument may keep. OpenTelemetry allocates each stream's points up front (2,000 by default,
    /// ~130 bytes each) and, for cumulative streams as Prometheus reads them, never frees one: ~70 instruments made
    /// megabytes of arrays at start-up, and allocating and moving them was a quarter of the start (perf).
    /// - The runtime's and ASP.NET Core's own instruments are labelled by what the code holds (generations, Kestrel's
    ///   endpoints, route templates, policies): 200 each.
    /// - Ours are labelled by cluster, and within it by member, action, outcome, alarm or advisory: 200 per configured
    ///   cluster (the clusters are fixed at start-up), room for about 50 members per cluster over one process's life at
    ///   the most series per member (4 advisories), a replaced member being a new one (a cumulative series is never dropped).
    /// - Our alerts counter (alert name, the routes' or "other", times disposition) and http.server.request.duration
    ///   (a caller chooses the method, the path and so the status) keep the default.
    /// A series past a limit is folded into one series labelled otel_metric_overflow="true" on /metrics.
    /// </summary>
    internal static Func<Instrument, MetricStreamConfiguration?> SeriesLimits(int clusters) => instrument => instrument switch
    {
        { Meter.Name: "Microsoft.AspNetCore.Hosting" } => null,
        { Meter.Name: RemediatorTelemetry.Name, Name: RemediatorTelemetry.AlertsInstrument } => null,
        { Meter.Name: RemediatorTelemetry.Name } => new() { CardinalityLimit = SeriesPerCluster * Math.Max(1, clusters) },
        _ => new() { CardinalityLimit = FrameworkSeries },
    };

    private const int FrameworkSeries = 200;
    private const int SeriesPerCluster = 200;

    /// <summary>The configured clusters (none configured: the default one).</summary>
    private static int ConfiguredClusters(IConfiguration configuration) =>
        configuration.GetSection($"{RemediatorOptions.Section}:{nameof(RemediatorOptions.Clusters)}").GetChildren().Count();

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
