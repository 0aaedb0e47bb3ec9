namespace Paas.Registry.Storage;

/// <summary>Bytes copied so far by <see cref="BlobStreamPump"/>, readable after the copy fails.</summary>
internal sealed class CopyProgress
{
    public long Bytes { get; set; }
}
