using Paas.Oci;

namespace Paas.Registry.Storage;

/// <summary>
/// Where the registry keeps its content: a global content-addressed blob store, upload sessions, and
/// per-repository metadata (blob links, manifest revisions, tags, referrers).
/// </summary>
/// <remarks>
/// Contract every implementation honours (checked by the storage conformance test suite):
/// <list type="bullet">
/// <item>A blob is visible only complete and verified: written aside, digest checked, then published atomically.</item>
/// <item>Identical concurrent writes of one blob both succeed and leave one copy.</item>
/// <item>A failed write (digest mismatch, cancelled stream) leaves nothing visible.</item>
/// <item>Repository names passed in are already valid per the OCI name grammar; implementations may refuse others with <see cref="ArgumentException"/>.</item>
/// </list>
/// </remarks>
public interface IRegistryStorageDriver
{
    /// <summary>Size and time of a blob, or null when absent.</summary>
    /// <param name="digest">The blob digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The blob's info or null.</returns>
    ValueTask<BlobInfo?> StatBlobAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading; the stream is seekable so ranges can be served.</summary>
    /// <param name="digest">The blob digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A readable, seekable stream the caller disposes, or null when absent.</returns>
    ValueTask<Stream?> OpenBlobAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Writes a whole blob from a stream, verifying it against <paramref name="expected"/> when given.</summary>
    /// <param name="content">The content; read to its end.</param>
    /// <param name="expected">The declared digest, or null to store under the computed sha256.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is stored then.</param>
    /// <returns>The stored blob.</returns>
    /// <exception cref="DigestMismatchException">The content does not match <paramref name="expected"/>; nothing stored.</exception>
    ValueTask<BlobInfo> PutBlobAsync(Stream content, Digest? expected, CancellationToken cancellationToken = default);

    /// <summary>Removes a blob's content (used by garbage collection). Readers that already opened it finish reading.</summary>
    /// <param name="digest">The blob digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a blob was removed.</returns>
    ValueTask<bool> DeleteBlobAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Every stored blob, in no particular order.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The blobs.</returns>
    IAsyncEnumerable<BlobInfo> ListBlobsAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts an upload session in <paramref name="repository"/>.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new, empty session.</returns>
    ValueTask<UploadInfo> StartUploadAsync(string repository, CancellationToken cancellationToken = default);

    /// <summary>The state of an upload session, or null when unknown. Waits for a chunk being appended to finish.</summary>
    /// <param name="id">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session or null.</returns>
    ValueTask<UploadInfo?> GetUploadAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a chunk. When the stream fails part-way, the bytes fully received are kept, so the client
    /// can ask for the upload's size and resume from there.
    /// </summary>
    /// <param name="id">The session id.</param>
    /// <param name="offset">Where the chunk starts, or null to append at the end.</param>
    /// <param name="content">The chunk; read to its end.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The upload's new size in bytes.</returns>
    /// <exception cref="UploadUnknownException">No such session.</exception>
    /// <exception cref="UploadOffsetMismatchException"><paramref name="offset"/> is not the current size; nothing appended.</exception>
    ValueTask<long> AppendUploadAsync(string id, long? offset, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Completes a session: verifies its content against <paramref name="expected"/> and publishes the blob atomically.</summary>
    /// <param name="id">The session id.</param>
    /// <param name="expected">The declared digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored blob. The session is gone afterwards.</returns>
    /// <exception cref="UploadUnknownException">No such session.</exception>
    /// <exception cref="DigestMismatchException">The content does not match; the session is discarded, nothing stored.</exception>
    ValueTask<BlobInfo> CompleteUploadAsync(string id, Digest expected, CancellationToken cancellationToken = default);

    /// <summary>Cancels a session and discards its bytes.</summary>
    /// <param name="id">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a session was removed.</returns>
    ValueTask<bool> CancelUploadAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every upload session (for cleaning up abandoned ones).</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The sessions.</returns>
    IAsyncEnumerable<UploadInfo> ListUploadsAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes a stored blob part of a repository (idempotent).</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="digest">The blob digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    ValueTask LinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Whether a blob is linked into a repository (the content itself may since have been collected).</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="digest">The blob digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when linked.</returns>
    ValueTask<bool> IsBlobLinkedAsync(string repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Removes a blob from a repository; its content stays until garbage collection.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="digest">The blob digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a link was removed.</returns>
    ValueTask<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Links a manifest (whose bytes are already a stored blob) into a repository, and records its subject for the referrers API.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="revision">The manifest's digest, media type and subject.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    ValueTask PutManifestAsync(string repository, ManifestRevision revision, CancellationToken cancellationToken = default);

    /// <summary>A manifest linked into a repository, or null.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="digest">The manifest digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The revision or null.</returns>
    ValueTask<ManifestRevision?> GetManifestAsync(string repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Removes a manifest from a repository, with every tag pointing at it and its referrer record.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="digest">The manifest digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the manifest was linked.</returns>
    ValueTask<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Every manifest linked into a repository.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The revisions.</returns>
    IAsyncEnumerable<ManifestRevision> ListManifestsAsync(string repository, CancellationToken cancellationToken = default);

    /// <summary>Points a tag at a manifest, replacing any previous target atomically.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="tag">The tag (OCI tag grammar, checked by the caller).</param>
    /// <param name="digest">The manifest digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    ValueTask TagAsync(string repository, string tag, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>The manifest a tag points at, or null.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The digest or null.</returns>
    ValueTask<Digest?> ResolveTagAsync(string repository, string tag, CancellationToken cancellationToken = default);

    /// <summary>Removes a tag (not the manifest).</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the tag existed.</returns>
    ValueTask<bool> DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken = default);

    /// <summary>The repository's tags in ordinal order, or null when the repository does not exist.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Sorted tags or null.</returns>
    ValueTask<IReadOnlyList<string>?> ListTagsAsync(string repository, CancellationToken cancellationToken = default);

    /// <summary>Digests of the manifests in a repository whose <c>subject</c> is <paramref name="subject"/>.</summary>
    /// <param name="repository">The repository name.</param>
    /// <param name="subject">The subject digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The referrers' digests, possibly empty.</returns>
    ValueTask<IReadOnlyList<Digest>> ListReferrersAsync(string repository, Digest subject, CancellationToken cancellationToken = default);

    /// <summary>Every repository name, in ordinal order.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Sorted names.</returns>
    ValueTask<IReadOnlyList<string>> ListRepositoriesAsync(CancellationToken cancellationToken = default);
}
