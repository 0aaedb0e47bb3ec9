using Paas.Testing;

namespace Paas.Scheduling.Tests.Conformance;

public sealed class RecordingSchedulerConformanceTests : SchedulerConformanceTests
{
    private RecordingScheduler _scheduler = new();

    protected override bool RunsProcesses => false;

    protected override IScheduler Scheduler => _scheduler;

    protected override DeploymentSpec ArrangeFailingDeploy(DeploymentSpec spec)
    {
        _scheduler.FailNextDeploy("web.1 did not listen on PORT within 60 s");
        return spec;
    }

    protected override Task RestartPlatformAsync()
    {
        _scheduler = new RecordingScheduler();
        return Task.CompletedTask;
    }
}
