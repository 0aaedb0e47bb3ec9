using Paas.Oci;

namespace Paas.Registry.Storage;

/// <summary>The content written does not hash to the digest the client declared; nothing was stored.</summary>
/// <param name="expected">The declared digest.</param>
/// <param name="actual">The digest of the bytes received.</param>
public sealed class DigestMismatchException(Digest expected, Digest actual)
    : IOException($"Content digest {actual} does not match the declared digest {expected}.")
{
    /// <summary>The declared digest.</summary>
    public Digest Expected { get; } = expected;

    /// <summary>The digest of the bytes received.</summary>
    public Digest Actual { get; } = actual;
}
