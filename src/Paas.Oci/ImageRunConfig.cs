using System.Text.Json.Serialization;

namespace Paas.Oci;

/// <summary>Run defaults inside <see cref="ImageConfig"/> (config.md, "config").</summary>
public sealed record ImageRunConfig
{
    /// <summary>User (name or uid[:gid]).</summary>
    [JsonPropertyName("User")]
    public string? User { get; init; }

    /// <summary>Environment, <c>NAME=value</c> entries.</summary>
    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>Entrypoint argv.</summary>
    [JsonPropertyName("Entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>Default arguments.</summary>
    [JsonPropertyName("Cmd")]
    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary>The ports the image's process listens on: keys <c>PORT/tcp</c>, <c>PORT/udp</c> or <c>PORT</c> (tcp), values empty objects (a Dockerfile's <c>EXPOSE</c>).</summary>
    [JsonPropertyName("ExposedPorts")]
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? ExposedPorts { get; init; }

    /// <summary>Working directory.</summary>
    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    /// <summary>Labels.</summary>
    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
