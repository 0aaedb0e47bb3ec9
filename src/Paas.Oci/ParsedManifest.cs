namespace Paas.Oci;

/// <summary>
/// What a registry needs to know about a manifest or index: its media type, what it references and
/// its subject. Produced by <see cref="ManifestParser.Parse"/>.
/// </summary>
public sealed record ParsedManifest
{
    /// <summary>One of <see cref="MediaTypes.Manifests"/>.</summary>
    public required string MediaType { get; init; }

    /// <summary>The artifact type: the manifest's <c>artifactType</c>, else (for a manifest) its config media type.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>Blobs referenced by an image manifest: the config, then the layers. Empty for an index.</summary>
    public required IReadOnlyList<Descriptor> Blobs { get; init; }

    /// <summary>Manifests referenced by an index. Empty for an image manifest.</summary>
    public required IReadOnlyList<Descriptor> Manifests { get; init; }

    /// <summary>The <c>subject</c> descriptor, when present (distribution spec v1.1, "Pushing Manifests with Subject").</summary>
    public Descriptor? Subject { get; init; }

    /// <summary>The manifest's annotations.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
