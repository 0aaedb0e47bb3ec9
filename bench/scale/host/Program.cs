// Measures `scale web=1 -> web=8` with the local process runtime: the time until all eight web processes of a small
// Node.js app accept connections, and the memory the platform side (this process: the runtime, its supervisors and the
// log store) uses while it supervises them. Usage: ScaleBench [rounds] [target]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paas.Scheduling;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;
using ScaleBench;

var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var target = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
var dataDir = Directory.CreateTempSubdirectory("paas-scale-bench-").FullName;
var app = Path.Combine(dataDir, "slug", "app");
Directory.CreateDirectory(app);
File.WriteAllText(Path.Combine(app, "server.js"), """
    const http = require('http');
    http.createServer((req, res) => res.end('ok')).listen(process.env.PORT, '127.0.0.1', () => console.log('listening on ' + process.env.PORT));
    """);

var options = Options.Create(new LocalRuntimeOptions { DataDirectory = dataDir, StopGracePeriod = TimeSpan.FromSeconds(5) });
using var logs = new FileLogStore(Path.Combine(dataDir, "logs"));
var scheduler = new LocalProcessScheduler(options, new FolderSlugSource(app), logs, NullLogger<LocalProcessScheduler>.Instance);
var types = new Dictionary<string, string> { ["web"] = "node server.js" };
DeploymentSpec Spec(int web) => new("bench", 1, "local/bench@sha256:0", new Dictionary<string, string>(), types, new Dictionary<string, int> { ["web"] = web }, null);

// Ctrl+C or SIGTERM ends the rounds early and still runs the clean-up below (the app processes are stopped, the folder removed).
using var interrupted = new CancellationTokenSource();
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    interrupted.Cancel();
}

try
{
    var deployed = await scheduler.DeployAsync(Spec(1), CancellationToken.None);
    if (!deployed.Succeeded)
    {
        Console.Error.WriteLine($"deploy failed: {deployed.FailureReason}");
        return 1;
    }

    var times = new List<double>();
    var platformRss = new List<double>();
    var platformHeap = new List<double>();
    var appsRss = new List<double>();
    for (var round = 1; round <= rounds && !interrupted.IsCancellationRequested; round++)
    {
        var watch = Stopwatch.StartNew();
        await scheduler.ScaleAsync(Spec(target), CancellationToken.None);
        while ((await scheduler.ListAsync("bench", CancellationToken.None)).Count(p => p.State == ProcessState.Up) < target && !interrupted.IsCancellationRequested)
        {
            await Task.Delay(5);
        }

        watch.Stop();
        await Task.Delay(1000); // settle, then measure while supervising
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var rss = RssMiB(Environment.ProcessId);
        var heap = GC.GetTotalMemory(forceFullCollection: false) / 1048576.0;
        var children = ChildPids(Environment.ProcessId).Sum(RssMiB);
        times.Add(watch.Elapsed.TotalMilliseconds);
        platformRss.Add(rss);
        platformHeap.Add(heap);
        appsRss.Add(children);
        Console.WriteLine($"round {round}: web=1 -> web={target} all up in {watch.Elapsed.TotalMilliseconds:0} ms; platform RSS {rss:0.0} MiB (managed heap {heap:0.0} MiB); the {target} app processes' RSS {children:0.0} MiB");
        await scheduler.ScaleAsync(Spec(1), CancellationToken.None);
    }

    if (interrupted.IsCancellationRequested || times.Count == 0)
    {
        Console.Error.WriteLine("interrupted: the app processes are stopped and the data folder removed");
        return 130;
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    Console.WriteLine();
    Console.WriteLine($"median of {rounds}: scale web=1 -> web={target} until all up: {Median(times):0} ms");
    Console.WriteLine($"median of {rounds}: platform memory while supervising {target}: RSS {Median(platformRss):0.0} MiB, managed heap {Median(platformHeap):0.0} MiB (app processes: {Median(appsRss):0.0} MiB)");
    return 0;
}
finally
{
    await scheduler.DestroyAsync("bench", CancellationToken.None);
    await scheduler.DisposeAsync();
    Directory.Delete(dataDir, recursive: true);
}

static double RssMiB(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
    catch (IOException)
    {
        return 0;
    }
}

// Every descendant of this process (setsid, bash and node of each web process).
static IEnumerable<int> ChildPids(int root)
{
    var parents = new Dictionary<int, int>();
    foreach (var dir in Directory.GetDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
        {
            continue;
        }

        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
    }

    var found = new HashSet<int> { root };
    bool grew;
    do
    {
        grew = false;
        foreach (var (pid, parent) in parents)
        {
            if (found.Contains(parent) && found.Add(pid))
            {
                grew = true;
            }
        }
    }
    while (grew);
    found.Remove(root);
    return found;
}
