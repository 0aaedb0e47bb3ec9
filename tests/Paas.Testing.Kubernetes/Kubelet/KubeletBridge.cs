using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>
/// The API server side of the node: hands bound pods to the <see cref="IFakeKubelet"/>, turns its reports into pod status
/// and Events (manager <c>kubelet</c>, subresource status), and finishes graceful deletions (stop, final status, grace 0,
/// DELETED) as the recordings show.
/// </summary>
public sealed class KubeletBridge : IFakeKubeletHost
{
    private readonly FakeKubernetesApiServer _server;
    private readonly ConcurrentDictionary<FakePodKey, Runtime> _pods = new();

    /// <summary>Creates the bridge and subscribes to graceful deletions.</summary>
    public KubeletBridge(FakeKubernetesApiServer server)
    {
        _server = server;
        server.State.PodTerminating = OnTerminating;
    }

    /// <summary>Errors from kubelet calls (a test can assert there were none).</summary>
    public ConcurrentQueue<Exception> Errors { get; } = new();

    /// <summary>The last container report for a pod, or null.</summary>
    public FakeContainerStatus? LastReport(FakePodKey key) => _pods.TryGetValue(key, out var r) ? r.Container : null;

    /// <summary>Starts a bound pod on the kubelet (outside the store lock).</summary>
    public void Start(JsonObject pod)
    {
        FakePodSpec spec;
        lock (_server.State.Store.Sync)
        {
            spec = PodSpecBuilder.Build(_server.State, pod);
        }

        _pods[spec.Key] = new Runtime(spec.Uid, KubeClock.Now);
        _ = Task.Run(async () =>
        {
            try
            {
                await _server.Kubelet.StartPodAsync(spec, this, _server.Stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (!_server.Stopping.IsCancellationRequested)
                {
                    Errors.Enqueue(e);
                }
            }
        });
    }

    /// <inheritdoc/>
    public void ReportPodIp(FakePodKey pod, string podIp, string hostIp)
    {
        if (_pods.TryGetValue(pod, out var r))
        {
            r.PodIp = podIp;
            r.HostIp = hostIp;

            // As recorded, the address shows up with the next container report (ContainerCreating is written without it).
            if (r.Container is not null && r.Container.State is not FakeContainerState.Waiting { Reason: "ContainerCreating" })
            {
                Write(pod, r);
            }
        }
    }

    /// <inheritdoc/>
    public void ReportContainer(FakePodKey pod, FakeContainerStatus status)
    {
        if (_pods.TryGetValue(pod, out var r))
        {
            r.Container = status;
            Write(pod, r);
        }
    }

    /// <inheritdoc/>
    public void RecordEvent(FakePodKey pod, string type, string reason, string message)
    {
        lock (_server.State.Store.Sync)
        {
            if (_server.State.Store.Get(ApiResources.Pods, pod.Namespace, pod.Name) is { } live)
            {
                var container = KubeJson.Str(live["spec"]?["containers"]?[0], "name");
                _server.Controllers.Events.Record(live, type, reason, message, "kubelet", _server.Options.NodeName, reason is "Scheduled" ? null : $"spec.containers{{{container}}}");
            }
        }
    }

    private void Write(FakePodKey key, Runtime r)
    {
        lock (_server.State.Store.Sync)
        {
            var live = _server.State.Store.Get(ApiResources.Pods, key.Namespace, key.Name);
            if (live is null || KubeJson.Str(live, "metadata", "uid") != r.Uid)
            {
                return;
            }

            var status = PodStatusWriter.Compute(live, r.Container, r.PodIp, r.HostIp ?? _server.Options.HostIp, r.Started);
            _server.State.WriteStatus(ApiResources.Pods, live, status, "kubelet");
        }
    }

    private void OnTerminating(JsonObject pod)
    {
        var key = new FakePodKey(KubeJson.Str(pod, "metadata", "namespace")!, KubeJson.Str(pod, "metadata", "name")!);
        var uid = KubeJson.Str(pod, "metadata", "uid");
        var grace = TimeSpan.FromSeconds(KubeJson.Long(pod, "metadata", "deletionGracePeriodSeconds") ?? 30);
        _ = Task.Run(async () =>
        {
            try
            {
                await _server.Kubelet.StopPodAsync(key, grace, _server.Stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (!_server.Stopping.IsCancellationRequested)
                {
                    Errors.Enqueue(e);
                }
            }

            if (_pods.TryGetValue(key, out var r) && r.Uid == uid)
            {
                _pods.TryRemove(key, out _);
            }

            Finish(key, uid);
        });
    }

    private void Finish(FakePodKey key, string? uid)
    {
        lock (_server.State.Store.Sync)
        {
            var state = _server.State;
            var live = state.Store.Get(ApiResources.Pods, key.Namespace, key.Name);
            if (live is null || KubeJson.Str(live, "metadata", "uid") != uid)
            {
                return;
            }

            if (KubeJson.Str(live, "status", "phase") is not ("Succeeded" or "Failed") && live["status"]?["containerStatuses"] is not null)
            {
                var status = (JsonObject)live["status"]!.DeepClone();
                status["phase"] = "Failed";
                live = state.WriteStatus(ApiResources.Pods, live, status, "kubelet") ?? live;
            }

            var next = KubeJson.CloneObject(live);
            var meta = (JsonObject)next["metadata"]!;
            var grace = KubeJson.Long(live, "metadata", "deletionGracePeriodSeconds") ?? 0;
            if (grace != 0 && DateTimeOffset.TryParse(KubeJson.Str(live, "metadata", "deletionTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                meta["deletionTimestamp"] = KubeJson.Time(at.AddSeconds(-grace));
                meta["deletionGracePeriodSeconds"] = 0;
                live = state.Commit(ApiResources.Pods, next);
            }

            state.RemoveNow(ApiResources.Pods, state.Store.Get(ApiResources.Pods, key.Namespace, key.Name)!);
        }
    }

    private sealed class Runtime(string uid, DateTimeOffset started)
    {
        public string Uid { get; } = uid;

        public DateTimeOffset Started { get; } = started;

        public string? PodIp { get; set; }

        public string? HostIp { get; set; }

        public FakeContainerStatus? Container { get; set; }
    }
}
