namespace Paas.Client;

/// <summary>
/// An autoscaling policy of a process type, and the body of <c>PUT /v2/apps/{app}/autoscale/{type}</c>:
/// <c>{"min": 2, "max": 10, "cpu_percent": 70}</c>. 1 &lt;= min &lt;= max &lt;= 100; cpu_percent 1-100 (of the requested CPU).
/// </summary>
/// <param name="Min">The fewest processes.</param>
/// <param name="Max">The most processes.</param>
/// <param name="CpuPercent">The target average CPU use, percent.</param>
public sealed record AutoscalePolicyInfo(int Min, int Max, int CpuPercent);
