namespace Paas.Client;

/// <summary>
/// An app's limits, as <c>GET /v2/apps/{app}/limits</c> answers:
/// <c>{"app": "hello", "release": 5, "limits": {"web": {"memory": "512M", "cpu": "500m"}}, "enforced": false, "note": "..."}</c>.
/// </summary>
/// <param name="App">The app's name.</param>
/// <param name="Release">The version of the release these limits belong to (0 when none).</param>
/// <param name="Limits">Process type to limits, sorted by type; types absent have the scheduler's default.</param>
/// <param name="Enforced">Whether this platform's scheduler enforces them (Kubernetes does; the local scheduler records them only).</param>
/// <param name="Note">A sentence for people when <paramref name="Enforced"/> is false.</param>
public sealed record LimitsInfo(string App, int Release, IReadOnlyDictionary<string, ProcessLimitsInfo> Limits, bool Enforced, string? Note = null);
