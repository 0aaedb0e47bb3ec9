using System.Collections.Concurrent;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// An <see cref="IFakeKubelet"/> that runs each pod for real as a podman container (runtime runc): its own loopback pod IP
/// (127.77.X.Y) with every declared and probed port published on it, real logs, exit codes, OOM kills, probes, restarts
/// with back-off, attach and graceful stops. See the README of Paas.Testing.Kubernetes for the mapping and its limits.
/// </summary>
public sealed class PodmanFakeKubelet : IFakeKubelet
{
    private readonly PodmanCli _cli;
    private readonly ConcurrentDictionary<FakePodKey, PodmanPod> _pods = new();
    private readonly Task _sweep;
    private int _disposed;

    /// <summary>Creates a kubelet; it starts by removing containers left by test processes that are gone.</summary>
    /// <param name="options">How to run podman and how fast to back off; defaults as Kubernetes.</param>
    public PodmanFakeKubelet(PodmanFakeKubeletOptions? options = null)
    {
        _cli = new PodmanCli(options ?? new PodmanFakeKubeletOptions());
        _sweep = LeftoverSweeper.SweepDeadOwnersAsync(_cli, CancellationToken.None);
    }

    /// <summary>This instance's id (8 hex digits), in its containers' names and the <c>io.paas.fake-kubelet.instance</c> label.</summary>
    public string InstanceId { get; } = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()));

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The pod already runs on this kubelet.</exception>
    public async Task StartPodAsync(FakePodSpec pod, IFakeKubeletHost host, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _sweep.WaitAsync(cancellationToken);
        var running = new PodmanPod(pod, host, _cli, InstanceId);
        if (!_pods.TryAdd(pod.Key, running))
        {
            PodAddressAllocator.Release(running.PodIp);
            throw new InvalidOperationException($"Pod {pod.Key} already runs on this kubelet.");
        }

        running.Start();
    }

    /// <inheritdoc/>
    public async Task StopPodAsync(FakePodKey pod, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (_pods.TryGetValue(pod, out var running))
        {
            await running.StopAsync(gracePeriod, cancellationToken);
            _pods.TryRemove(pod, out _);
        }
    }

    /// <inheritdoc/>
    public Task WriteLogAsync(FakePodKey pod, FakeLogOptions options, Stream output, CancellationToken cancellationToken) =>
        Find(pod).WriteLogAsync(options, output, cancellationToken);

    /// <inheritdoc/>
    public Task<FakeAttachment> AttachAsync(FakePodKey pod, FakeAttachOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(Find(pod).Attach(options));

    /// <summary>
    /// Kills and removes every container this instance started, then the images it pulled (unlike a real kubelet, whose
    /// image garbage collection runs on disk pressure: a test's images would otherwise stay on the machine for good). An
    /// image another container still uses is left.
    /// </summary>
    /// <returns>A task that completes when they are gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Task.WhenAll(_pods.Values.Select(p => p.DisposeAsync().AsTask()));
        _pods.Clear();
        await LeftoverSweeper.RemoveInstanceAsync(_cli, InstanceId, CancellationToken.None);
        if (!_cli.PulledImages.IsEmpty)
        {
            await _cli.RunAsync(["image", "rm", "--ignore", .. _cli.PulledImages.Keys], CancellationToken.None);
        }
    }

    private PodmanPod Find(FakePodKey pod) =>
        _pods.TryGetValue(pod, out var running) ? running : throw new FakeKubeletException($"pod \"{pod.Name}\" is not on this node");
}
