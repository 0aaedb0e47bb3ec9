namespace Paas.Oci;

/// <summary>Thrown by <see cref="ManifestParser"/> when a manifest cannot be accepted.</summary>
public sealed class ManifestFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, for a person.</param>
    /// <param name="unsupportedMediaType">True when the content is well-formed but of a media type that is not a manifest.</param>
    public ManifestFormatException(string message, bool unsupportedMediaType = false)
        : base(message) => UnsupportedMediaType = unsupportedMediaType;

    /// <summary>True when the media type (not the content) is the problem.</summary>
    public bool UnsupportedMediaType { get; }
}
