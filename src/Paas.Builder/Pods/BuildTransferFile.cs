namespace Paas.Builder;

/// <summary>One file of a <see cref="BuildTransfer"/>, behind its own one-time token.</summary>
/// <param name="token">The token of its URL.</param>
/// <param name="name">What it is, in words, for messages (<c>slug</c>, <c>build cache</c>).</param>
/// <param name="path">The file a download serves or an upload writes.</param>
/// <param name="maxBytes">For an upload, the largest body accepted, in bytes; 0 for a download.</param>
internal sealed class BuildTransferFile(string token, string name, string path, long maxBytes)
{
    private int _state;

    /// <summary>The token of its URL (64 hex digits).</summary>
    public string Token { get; } = token;

    /// <summary>What it is, in words.</summary>
    public string Name { get; } = name;

    /// <summary>The file a download serves or an upload writes.</summary>
    public string Path { get; } = path;

    /// <summary>The largest upload accepted, in bytes.</summary>
    public long MaxBytes { get; } = maxBytes;

    /// <summary>Whether a complete upload was received (and written to <see cref="Path"/>).</summary>
    public bool Received => Volatile.Read(ref _state) == 1;

    /// <summary>Whether an upload was refused for being larger than <see cref="MaxBytes"/> (413).</summary>
    public bool TooLarge => Volatile.Read(ref _state) == 2;

    /// <summary>Marks the upload as received (by the upload handler, once its file is complete).</summary>
    public void MarkReceived() => Volatile.Write(ref _state, 1);

    /// <summary>Marks the upload as refused for its size.</summary>
    public void MarkTooLarge() => Volatile.Write(ref _state, 2);
}
