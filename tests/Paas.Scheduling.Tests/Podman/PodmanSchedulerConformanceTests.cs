using Paas.Scheduling.Logs;
using Paas.Scheduling.Podman;
using Paas.Scheduling.Tests.Conformance;

namespace Paas.Scheduling.Tests.Podman;

/// <summary>
/// The conformance suite on the podman scheduler: real containers of the fixture image (<see cref="PodmanFixture"/>) pulled
/// from the platform's registry on loopback. Containers outlive the platform (a restarted paasd adopts them) and a restart
/// keeps names, as on the local runtime.
/// </summary>
public sealed class PodmanSchedulerConformanceTests : SchedulerConformanceTests
{
    private string _dataDir = "";
    private FileLogStore? _logs;
    private PodmanScheduler? _scheduler;

    protected override bool RunsProcesses => true;

    protected override bool ProcessesOutlivePlatform => true;

    protected override string WebCommand => PodmanFixture.WebCommand;

    protected override string ReleaseImage => PodmanFixture.Image;

    protected override IScheduler Scheduler => _scheduler!;

    public override async ValueTask InitializeAsync()
    {
        await PodmanFixture.RequireAsync();
        _dataDir = Directory.CreateTempSubdirectory("paas-podman-").FullName; // after the skip: a skipped test leaves nothing behind
        (_scheduler, _logs) = Create();
    }

    protected override DeploymentSpec ArrangeFailingDeploy(DeploymentSpec spec) =>
        spec with
        {
            Config = new Dictionary<string, string> { ["PAAS_BOOT_TIMEOUT"] = "1" },
            ProcessTypes = new Dictionary<string, string>(spec.ProcessTypes) { ["web"] = "echo booting; exec sleep 600" },
        };

    protected override Task RestartPlatformAsync()
    {
        _scheduler!.Abandon();
        _logs!.Dispose();
        (_scheduler, _logs) = Create();
        return Task.CompletedTask;
    }

    protected override IReadOnlyList<AppEndpoint> Endpoints() => _scheduler!.GetEndpoints(App);

    protected override IReadOnlyList<string> Logs(string? process = null) => [.. _logs!.Tail(App, 1500, process).Select(l => l.ToString())];

    public override async ValueTask DisposeAsync()
    {
        if (_scheduler is not null)
        {
            await base.DisposeAsync();
            await _scheduler.DisposeAsync();
            _logs!.Dispose();
        }

        if (_dataDir.Length > 0)
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private (PodmanScheduler, FileLogStore) Create()
    {
        var logs = new FileLogStore(Path.Combine(_dataDir, "logs"));
        return (PodmanFixture.Create(_dataDir, logs), logs);
    }
}
