namespace Paas.Client;

/// <summary>
/// An app's autoscaling policies, as <c>GET /v2/apps/{app}/autoscale</c> answers:
/// <c>{"app": "hello", "supported": true, "policies": {"web": {"min": 2, "max": 10, "cpu_percent": 70}}}</c>.
/// </summary>
/// <param name="App">The app's name.</param>
/// <param name="Supported">Whether this platform's scheduler can autoscale (the Kubernetes scheduler can, the local one cannot).</param>
/// <param name="Policies">Process type to policy, sorted by type.</param>
/// <param name="Note">A sentence for people when <paramref name="Supported"/> is false.</param>
public sealed record AutoscaleInfo(string App, bool Supported, IReadOnlyDictionary<string, AutoscalePolicyInfo> Policies, string? Note = null);
