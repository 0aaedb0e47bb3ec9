namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>Runs the simulated controllers.</summary>
/// <param name="server">The server.</param>
public sealed class ControllerManager(FakeKubernetesApiServer server) : IAsyncDisposable
{
    /// <summary>Starts the loop.</summary>
    public void Start() => _ = server;

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
