namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>Connects the server with its kubelet.</summary>
/// <param name="server">The server.</param>
public sealed class KubeletBridge(FakeKubernetesApiServer server)
{
    /// <summary>The server.</summary>
    public FakeKubernetesApiServer Server => server;
}
