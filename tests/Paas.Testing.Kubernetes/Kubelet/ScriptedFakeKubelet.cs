namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>A kubelet that reports statuses only.</summary>
public sealed class ScriptedFakeKubelet : IFakeKubelet
{
    public Task StartPodAsync(FakePodSpec pod, IFakeKubeletHost host, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopPodAsync(FakePodKey pod, TimeSpan gracePeriod, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WriteLogAsync(FakePodKey pod, FakeLogOptions options, Stream output, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<FakeAttachment> AttachAsync(FakePodKey pod, FakeAttachOptions options, CancellationToken cancellationToken) => throw new FakeKubeletException("not running");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
