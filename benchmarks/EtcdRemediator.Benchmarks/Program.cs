using EtcdRemediator.Benchmarks;

// dotnet run -c Release --project benchmarks/EtcdRemediator.Benchmarks -- <scenario> [options]
//   remediation [--mb-live 100] [--mb-free 200] [--rounds 3] [--cold 1]  service run vs. the etcdctl routine (cold: started just before)
//   snapshot [--mb 1024] [--offsite 1]                         service snapshot vs. etcdctl snapshot save; then with its off-site copy
//   intake [--clusters 50] [--deliveries 20000] [--concurrency 32]  webhook intake; alert -> first etcd call
//   footprint [--mb 300]                                       start-up, idle and streaming RSS, published size (issue 29)
//   fleet [--clusters 50] [--fragmented 10] [--concurrency 4]  one instance, many single-member clusters, the watch acting (issue 29)
//   history                                                    the history's size after 92 days at 1 min and 5 s (capacity)
//   micro                                                      BenchmarkDotNet: parsing, validation, routing, planning, verification
//   all                                                        everything, with the defaults
var scenario = args.FirstOrDefault() ?? "all";
var options = Options.Parse(args.Skip(1).ToArray());
Console.WriteLine(Report.Machine());
switch (scenario)
{
    case "remediation": await RemediationVsEtcdctl.RunAsync(options); break;
    case "snapshot": await SnapshotStreaming.RunAsync(options); break;
    case "intake": await WebhookIntake.RunAsync(options); break;
    case "footprint": await Footprint.RunAsync(options); break;
    case "fleet": await Fleet.RunAsync(options); break;
    case "history": await HistoryCapacity.RunAsync(options); break;
    case "micro": Micro.Run(args.Skip(1).ToArray()); break;
    case "all":
        await RemediationVsEtcdctl.RunAsync(options);
        await SnapshotStreaming.RunAsync(options);
        await WebhookIntake.RunAsync(options);
        Micro.Run([]);
        break;
    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}': remediation, snapshot, intake, footprint, fleet, history, micro or all");
        return 2;
}
return 0;
