using System.Text;

namespace Paas.Testing.Kubernetes.Podman.Tests.Infrastructure;

/// <summary>Reads a pod's log through <see cref="IFakeKubelet.WriteLogAsync"/> into a string.</summary>
public static class Logs
{
    public static async Task<string> ReadAsync(IFakeKubelet kubelet, FakePodKey pod, FakeLogOptions options, TimeSpan? timeout = null)
    {
        using var output = new MemoryStream();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await kubelet.WriteLogAsync(pod, options, output, cts.Token);
        Assert.False(cts.IsCancellationRequested, "The log request did not end by itself.");
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
