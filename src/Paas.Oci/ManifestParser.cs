using System.Text.Json;

namespace Paas.Oci;

/// <summary>
/// Parses and validates the four manifest kinds a registry stores (OCI image manifest and index,
/// Docker schema 2 manifest and manifest list).
/// </summary>
public static class ManifestParser
{
    /// <summary>
    /// Parses <paramref name="content"/>. The media type is, in order: <paramref name="contentType"/>
    /// (parameters ignored) unless absent or <c>application/json</c>; the body's <c>mediaType</c>; the
    /// structure (<c>manifests</c> means an OCI index, <c>config</c> an OCI manifest). When both the
    /// content type and the body name a type they must agree (OCI distribution spec, "Pushing Manifests").
    /// </summary>
    /// <param name="content">The exact manifest bytes.</param>
    /// <param name="contentType">The HTTP <c>Content-Type</c>, or null.</param>
    /// <returns>The parsed manifest.</returns>
    /// <exception cref="ManifestFormatException">Malformed JSON, a missing or invalid field, or an unsupported media type.</exception>
    public static ParsedManifest Parse(ReadOnlySpan<byte> content, string? contentType)
    {
        ManifestDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(content, OciJsonContext.Default.ManifestDocument);
        }
        catch (JsonException ex)
        {
            throw new ManifestFormatException($"The manifest is not valid JSON: {ex.Message}");
        }

        if (doc is null)
        {
            throw new ManifestFormatException("The manifest is empty.");
        }

        var declared = NormalizeContentType(contentType);
        if (declared is not null && !MediaTypes.IsManifest(declared))
        {
            throw new ManifestFormatException($"Media type '{declared}' is not a supported manifest type.", unsupportedMediaType: true);
        }

        if (declared is not null && doc.MediaType is not null && doc.MediaType != declared)
        {
            throw new ManifestFormatException($"Content-Type '{declared}' does not match the manifest's mediaType '{doc.MediaType}'.");
        }

        var mediaType = declared ?? doc.MediaType ?? (doc.Manifests is not null ? MediaTypes.OciIndex : MediaTypes.OciManifest);
        if (!MediaTypes.IsManifest(mediaType))
        {
            throw new ManifestFormatException($"Media type '{mediaType}' is not a supported manifest type.", unsupportedMediaType: true);
        }

        if (doc.SchemaVersion != 2)
        {
            throw new ManifestFormatException($"schemaVersion must be 2, not {doc.SchemaVersion}.");
        }

        if (doc.Subject is not null)
        {
            Check(doc.Subject, "subject");
        }

        if (MediaTypes.IsIndex(mediaType))
        {
            if (doc.Manifests is null)
            {
                throw new ManifestFormatException("An index must have a 'manifests' array.");
            }

            for (var i = 0; i < doc.Manifests.Count; i++)
            {
                Check(doc.Manifests[i], $"manifests[{i}]");
            }

            return new ParsedManifest
            {
                MediaType = mediaType,
                ArtifactType = doc.ArtifactType,
                Blobs = [],
                Manifests = doc.Manifests,
                Subject = doc.Subject,
                Annotations = doc.Annotations,
            };
        }

        if (doc.Config is null)
        {
            throw new ManifestFormatException("An image manifest must have a 'config' descriptor.");
        }

        if (doc.Layers is null)
        {
            throw new ManifestFormatException("An image manifest must have a 'layers' array.");
        }

        Check(doc.Config, "config");
        var blobs = new List<Descriptor>(doc.Layers.Count + 1) { doc.Config };
        for (var i = 0; i < doc.Layers.Count; i++)
        {
            Check(doc.Layers[i], $"layers[{i}]");
            blobs.Add(doc.Layers[i]);
        }

        return new ParsedManifest
        {
            MediaType = mediaType,
            ArtifactType = doc.ArtifactType ?? doc.Config.MediaType,
            Blobs = blobs,
            Manifests = [],
            Subject = doc.Subject,
            Annotations = doc.Annotations,
        };
    }

    private static string? NormalizeContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
        return type == "application/json" ? null : type;
    }

    private static void Check(Descriptor descriptor, string where)
    {
        if (string.IsNullOrWhiteSpace(descriptor.MediaType))
        {
            throw new ManifestFormatException($"{where}: mediaType is required.");
        }

        if (descriptor.Digest == default)
        {
            throw new ManifestFormatException($"{where}: digest is required.");
        }

        if (descriptor.Size < 0)
        {
            throw new ManifestFormatException($"{where}: size must not be negative.");
        }
    }
}
