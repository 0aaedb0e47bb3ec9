namespace Paas.Domain;

/// <summary>
/// Autoscaling of a process type (<c>paas autoscale web --min 2 --max 10 --cpu 70</c>): the scheduler keeps between
/// <paramref name="Min"/> and <paramref name="Max"/> processes, aiming at <paramref name="CpuPercent"/> of the requested CPU
/// on average (Kubernetes: an autoscaling/v2 HorizontalPodAutoscaler). While a policy exists, <c>scale</c> of that type is
/// refused.
/// </summary>
/// <param name="Min">The fewest processes (at least 1).</param>
/// <param name="Max">The most processes (at least <paramref name="Min"/>).</param>
/// <param name="CpuPercent">The target average CPU use, percent of the request (1-100).</param>
public sealed record AutoscalePolicy(int Min, int Max, int CpuPercent);
