namespace Paas.Client;

/// <summary>The limits of one process type: <c>{"memory": "512M", "cpu": "500m"}</c>; a missing field means the scheduler's default.</summary>
/// <param name="Memory">The memory limit, Deis style (<c>512M</c>, <c>1G</c>: 1024 multiples), or null.</param>
/// <param name="Cpu">The CPU limit, Kubernetes style (<c>500m</c> millicores, <c>1</c> core), or null.</param>
public sealed record ProcessLimitsInfo(string? Memory, string? Cpu);
