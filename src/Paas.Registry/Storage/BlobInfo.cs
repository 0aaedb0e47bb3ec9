using Paas.Oci;

namespace Paas.Registry.Storage;

/// <summary>A stored blob: its digest, its size in bytes and when it was written (UTC).</summary>
/// <param name="Digest">The blob's digest (its identity).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="LastModified">When the blob became visible, UTC; garbage collection spares young blobs.</param>
public sealed record BlobInfo(Digest Digest, long Size, DateTimeOffset LastModified);
