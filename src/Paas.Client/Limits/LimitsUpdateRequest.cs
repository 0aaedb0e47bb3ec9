namespace Paas.Client;

/// <summary>
/// Body of <c>POST /v2/apps/{app}/limits</c> (Deis Workflow's shape): <c>{"memory": {"web": "512M", "worker": null}, "cpu": {"web": "500m"}}</c>
/// sets web's memory and CPU and removes worker's memory limit, in one new release. Memory: a whole number and B, K, M or G
/// (1024 multiples), 4M to 64G. CPU: millicores <c>500m</c> or cores <c>1</c>, 10m to 64. Setting needs a process type of the
/// current build. A change that changes nothing answers 409 Conflict.
/// </summary>
/// <param name="Memory">Process type to memory limit; null removes it.</param>
/// <param name="Cpu">Process type to CPU limit; null removes it.</param>
public sealed record LimitsUpdateRequest(IReadOnlyDictionary<string, string?>? Memory = null, IReadOnlyDictionary<string, string?>? Cpu = null);
