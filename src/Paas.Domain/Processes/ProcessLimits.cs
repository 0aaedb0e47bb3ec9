namespace Paas.Domain;

/// <summary>
/// The resources one process of a type may use (<c>paas limits:set web=512M</c>, Deis Workflow's <c>limits:set</c>). A null
/// field means the scheduler's default (Kubernetes: 512 MiB of memory, as Heroku's standard-1X dyno; no CPU limit).
/// </summary>
/// <param name="MemoryBytes">The memory limit in bytes (also the request), or null.</param>
/// <param name="CpuMillicores">The CPU limit in millicores (1000 = one core), or null.</param>
public sealed record ProcessLimits(long? MemoryBytes, int? CpuMillicores);
