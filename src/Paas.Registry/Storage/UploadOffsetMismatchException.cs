namespace Paas.Registry.Storage;

/// <summary>
/// A chunk does not start where the upload ends (OCI distribution spec, "Pushing a blob in chunks":
/// out-of-order chunks are refused with 416); nothing was appended.
/// </summary>
/// <param name="currentSize">The upload's size: the offset the next chunk must start at.</param>
public sealed class UploadOffsetMismatchException(long currentSize)
    : IOException($"The chunk must start at offset {currentSize}.")
{
    /// <summary>The upload's size: the offset the next chunk must start at.</summary>
    public long CurrentSize { get; } = currentSize;
}
