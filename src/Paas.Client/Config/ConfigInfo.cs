namespace Paas.Client;

/// <summary>An app's config vars, as <c>GET /v2/apps/{app}/config</c> answers.</summary>
/// <param name="App">The app's name.</param>
/// <param name="Values">Config var name to value, sorted by name.</param>
/// <param name="Release">The version of the release this config belongs to (0 when none).</param>
/// <param name="UpdatedAt">When this config was set.</param>
public sealed record ConfigInfo(string App, IReadOnlyDictionary<string, string> Values, int Release, DateTimeOffset UpdatedAt);
