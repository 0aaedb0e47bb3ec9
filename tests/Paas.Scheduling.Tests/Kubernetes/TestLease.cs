namespace Paas.Scheduling.Tests.Kubernetes;

/// <summary>A lease the test gives and takes (the real one, RenewedLease, lives in the controller's database).</summary>
internal sealed class TestLease(bool held) : IReplicaLease
{
    private bool _held = held;

    public event EventHandler? Changed;

    public string Name => Paas.Kubernetes.KubernetesScheduler.LogFollowingLease;

    public bool IsHeld => _held;

    public void Set(bool held)
    {
        _held = held;
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
