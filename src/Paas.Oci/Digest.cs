using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Paas.Oci;

/// <summary>
/// A content digest, <c>algorithm:encoded</c>, as defined by the OCI image spec (descriptor.md, "Digests").
/// Only the registered algorithms <c>sha256</c> (64 lower-case hex characters) and <c>sha512</c>
/// (128 lower-case hex characters) are accepted, so a parsed digest is always safe to use as a path segment.
/// </summary>
/// <param name="Algorithm">The algorithm: <c>sha256</c> or <c>sha512</c>.</param>
/// <param name="Encoded">The lower-case hex encoding of the hash.</param>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest(string Algorithm, string Encoded)
{
    /// <summary>The <c>sha256</c> algorithm name.</summary>
    public const string Sha256 = "sha256";

    /// <summary>The <c>sha512</c> algorithm name.</summary>
    public const string Sha512 = "sha512";

    /// <summary>The digest of zero bytes with sha256.</summary>
    public static Digest EmptySha256 { get; } = Compute(ReadOnlySpan<byte>.Empty);

    /// <summary>The hash algorithm matching <see cref="Algorithm"/>.</summary>
    public HashAlgorithmName HashAlgorithm => Algorithm == Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;

    /// <summary>Parses <c>sha256:&lt;64 hex&gt;</c> or <c>sha512:&lt;128 hex&gt;</c>.</summary>
    /// <param name="value">The text to parse.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="FormatException">The text is not a supported, well-formed digest.</exception>
    public static Digest Parse(string value) =>
        TryParse(value, out var digest) ? digest : throw new FormatException($"'{value}' is not a valid sha256 or sha512 digest.");

    /// <summary>Parses a digest without throwing.</summary>
    /// <param name="value">The text to parse; null is never valid.</param>
    /// <param name="digest">The digest when the text is valid.</param>
    /// <returns>True when <paramref name="value"/> is a supported, well-formed digest.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        digest = default;
        if (value is null)
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var algorithm = value[..colon];
        var encoded = value[(colon + 1)..];
        var expectedLength = algorithm switch
        {
            Sha256 => 64,
            Sha512 => 128,
            _ => -1,
        };
        if (encoded.Length != expectedLength)
        {
            return false;
        }

        foreach (var c in encoded)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        digest = new Digest(algorithm, encoded);
        return true;
    }

    /// <summary>Computes the sha256 digest of <paramref name="content"/>.</summary>
    /// <param name="content">The bytes to hash.</param>
    /// <returns>The sha256 digest.</returns>
    public static Digest Compute(ReadOnlySpan<byte> content) => FromHash(Sha256, SHA256.HashData(content));

    /// <summary>Computes the digest of <paramref name="content"/> with <paramref name="algorithm"/>.</summary>
    /// <param name="algorithm"><c>sha256</c> or <c>sha512</c>.</param>
    /// <param name="content">The bytes to hash.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="ArgumentException">The algorithm is not supported.</exception>
    public static Digest Compute(string algorithm, ReadOnlySpan<byte> content) => algorithm switch
    {
        Sha256 => FromHash(Sha256, SHA256.HashData(content)),
        Sha512 => FromHash(Sha512, SHA512.HashData(content)),
        _ => throw new ArgumentException($"Unsupported digest algorithm '{algorithm}'.", nameof(algorithm)),
    };

    /// <summary>Builds a digest from a raw hash value.</summary>
    /// <param name="algorithm"><c>sha256</c> or <c>sha512</c>.</param>
    /// <param name="hash">The raw hash bytes.</param>
    /// <returns>The digest.</returns>
    public static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash) => new(algorithm, Convert.ToHexStringLower(hash));

    /// <summary>Creates an incremental hasher for this digest's algorithm.</summary>
    /// <returns>A new <see cref="IncrementalHash"/> the caller disposes.</returns>
    public IncrementalHash CreateHasher() => IncrementalHash.CreateHash(HashAlgorithm);

    /// <summary>Returns <c>algorithm:encoded</c>.</summary>
    /// <returns>The canonical string form.</returns>
    public override string ToString() => $"{Algorithm}:{Encoded}";
}
