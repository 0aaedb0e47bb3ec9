namespace Paas.Registry.Storage;

/// <summary>No upload session has the given id (never started, completed or cancelled).</summary>
/// <param name="id">The id asked for.</param>
public sealed class UploadUnknownException(string id) : IOException($"Upload '{id}' is unknown.")
{
    /// <summary>The id asked for.</summary>
    public string Id { get; } = id;
}
