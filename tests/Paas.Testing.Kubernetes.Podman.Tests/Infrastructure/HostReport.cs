namespace Paas.Testing.Kubernetes.Podman.Tests.Infrastructure;

/// <summary>One report a kubelet made: a pod IP, a container status, or an Event.</summary>
/// <param name="At">When it was made.</param>
/// <param name="Pod">The pod.</param>
/// <param name="Status">The container status, or null.</param>
/// <param name="Event">The Event (type, reason, message), or null.</param>
/// <param name="PodIp">The pod IP, or null.</param>
public sealed record HostReport(DateTimeOffset At, FakePodKey Pod, FakeContainerStatus? Status, (string Type, string Reason, string Message)? Event, string? PodIp);
