using Paas.Scheduling.Tests.Conformance;
using Paas.Testing.Kubernetes.Kubelet;

namespace Paas.Scheduling.Tests.Kubernetes;

/// <summary>
/// The conformance suite on the Kubernetes scheduler, against the fake API server with a scripted node: pods go through
/// the recorded statuses (ContainerCreating, Running, Ready; CrashLoopBackOff) but no process runs, so the tests that need
/// a process's output skip here; <c>KubernetesSchedulerTests</c> and the end-to-end test with the podman kubelet cover them.
/// </summary>
public sealed class KubernetesSchedulerConformanceTests : SchedulerConformanceTests
{
    private const string CrashingCommand = "node crash-on-boot.js";
    private FakeCluster? _cluster;

    protected override bool RunsProcesses => false;

    protected override ProcessState Running => ProcessState.Up;

    protected override bool ProcessesOutlivePlatform => true;

    protected override bool RestartKeepsNames => false;

    protected override IScheduler Scheduler => _cluster!.Scheduler;

    public override async ValueTask InitializeAsync()
    {
        var kubelet = new ScriptedFakeKubelet();
        kubelet.ScriptCommand(CrashingCommand, new ContainerScript { ExitCode = 3, LogLines = ["booting", "Error: cannot find module"], RunFor = TimeSpan.FromMilliseconds(50) });
        _cluster = await FakeCluster.StartAsync(kubelet);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_cluster is not null)
        {
            Assert.Empty(_cluster.Server.ControllerErrors);
            await _cluster.DisposeAsync();
        }
    }

    protected override DeploymentSpec ArrangeFailingDeploy(DeploymentSpec spec) =>
        spec with { ProcessTypes = new Dictionary<string, string>(spec.ProcessTypes) { ["web"] = CrashingCommand } };

    protected override Task RestartPlatformAsync() => _cluster!.RestartSchedulerAsync();

    protected override IReadOnlyList<AppEndpoint> Endpoints() => _cluster!.Scheduler.GetEndpoints(App);

    protected override IReadOnlyList<string> Logs(string? process = null) => [.. _cluster!.Logs.Tail(App, 1500, process).Select(l => l.ToString())];
}
