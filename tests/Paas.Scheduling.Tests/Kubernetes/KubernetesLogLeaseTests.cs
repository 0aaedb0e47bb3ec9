using System.Diagnostics;
using Paas.Testing.Kubernetes.Kubelet;

namespace Paas.Scheduling.Tests.Kubernetes;

/// <summary>
/// Two replicas' Kubernetes schedulers on one cluster and one shared log store: only the holder of the pod-logs lease
/// follows the pods' logs, so each line is written once; a replica that takes the lease over follows from then on.
/// </summary>
public sealed class KubernetesLogLeaseTests : IAsyncLifetime
{
    private const string Image = "127.0.0.1:5000/hello@sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private readonly ScriptedFakeKubelet _kubelet = new();
    private readonly string _app = "k" + Guid.NewGuid().ToString("N")[..8];
    private readonly TestLease _leaseA = new(held: true);
    private readonly TestLease _leaseB = new(held: false);
    private FakeCluster? _cluster;

    public async ValueTask InitializeAsync()
    {
        _kubelet.ScriptCommand("node server.js", new ContainerScript { LogLines = ["listening on 5000"], RunFor = TimeSpan.FromHours(1) });
        _cluster = await FakeCluster.StartAsync(_kubelet, logLease: _leaseA);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Only_the_lease_holder_follows_and_a_replica_that_takes_the_lease_over_follows_from_then_on()
    {
        var cluster = _cluster!;
        await cluster.AddReplicaAsync(_leaseB);
        Assert.True((await cluster.Scheduler.DeployAsync(Spec(1, web: 2), CancellationToken.None)).Succeeded);
        await WaitUntilAsync(() => Listening() == 2);
        await Task.Delay(1500); // B would have written its copies by now
        Assert.Equal(2, Listening());

        _leaseA.Set(false);
        _leaseB.Set(true);
        await Task.Delay(1500); // B follows the running containers from now: their old lines are not written again
        Assert.Equal(2, Listening());

        Assert.True((await cluster.Scheduler.DeployAsync(Spec(1, web: 3), CancellationToken.None)).Succeeded);
        await WaitUntilAsync(() => Listening() == 3); // web.3's line, through B
        await Task.Delay(1500);
        Assert.Equal(3, Listening());
    }

    private int Listening() => _cluster!.Logs.Tail(_app, 1500).Count(l => l.Message.Contains("listening on 5000", StringComparison.Ordinal));

    private DeploymentSpec Spec(int release, int web) =>
        new(_app, release, Image, new Dictionary<string, string>(), new Dictionary<string, string> { ["web"] = "node server.js" }, new Dictionary<string, int> { ["web"] = web }, "abc1234");

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "timed out: " + string.Join('\n', _cluster!.Logs.Tail(_app, 1500)));
            await Task.Delay(50);
        }
    }
}
