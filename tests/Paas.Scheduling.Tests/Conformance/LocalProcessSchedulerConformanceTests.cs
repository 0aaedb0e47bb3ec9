using Microsoft.Extensions.Logging.Abstractions;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;
using Paas.Scheduling.Tests.Fixtures;

namespace Paas.Scheduling.Tests.Conformance;

public sealed class LocalProcessSchedulerConformanceTests : SchedulerConformanceTests
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("paas-sched-").FullName;
    private readonly FixtureSlugSource _slugs = new();
    private FileLogStore _logs;
    private LocalProcessScheduler _scheduler;

    public LocalProcessSchedulerConformanceTests()
    {
        _slugs.Add(Image, FixtureSlug.Write(Path.Combine(_dataDir, "fixture")));
        (_scheduler, _logs) = Create();
    }

    protected override bool RunsProcesses => true;

    protected override IScheduler Scheduler => _scheduler;

    internal static LocalRuntimeOptions Options(string dataDir) => new()
    {
        DataDirectory = dataDir,
        BootTimeout = TimeSpan.FromSeconds(15),
        StopGracePeriod = TimeSpan.FromSeconds(3),
        EndpointDrainDelay = TimeSpan.Zero,
        CrashBackoffInitial = TimeSpan.FromMilliseconds(200),
        CrashBackoffMax = TimeSpan.FromSeconds(1),
    };

    protected override DeploymentSpec ArrangeFailingDeploy(DeploymentSpec spec) =>
        spec with
        {
            Config = new Dictionary<string, string> { ["PAAS_BOOT_TIMEOUT"] = "1" },
            ProcessTypes = new Dictionary<string, string>(spec.ProcessTypes) { ["web"] = "echo booting; exec sleep 600" },
        };

    protected override Task RestartPlatformAsync()
    {
        _scheduler.Abandon();
        _logs.Dispose();
        (_scheduler, _logs) = Create();
        return Task.CompletedTask;
    }

    protected override IReadOnlyList<AppEndpoint> Endpoints() => _scheduler.GetEndpoints(App);

    protected override IReadOnlyList<string> Logs(string? process = null) => [.. _logs.Tail(App, 1500, process).Select(l => l.ToString())];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _scheduler.DisposeAsync();
        _logs.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private (LocalProcessScheduler, FileLogStore) Create()
    {
        var logs = new FileLogStore(Path.Combine(_dataDir, "logs"));
        return (new LocalProcessScheduler(Microsoft.Extensions.Options.Options.Create(Options(_dataDir)), _slugs, logs, NullLogger<LocalProcessScheduler>.Instance), logs);
    }
}
