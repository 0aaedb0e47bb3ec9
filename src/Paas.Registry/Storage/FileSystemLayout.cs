using Paas.Oci;
using Paas.Registry.Api;

namespace Paas.Registry.Storage;

/// <summary>
/// Maps registry content to paths under the storage root. The layout:
/// <code>
/// &lt;root&gt;/
/// ├── blobs/sha256/ab/abcd…                        blob bytes (layers, configs, manifests); immutable, published by rename
/// ├── uploads/&lt;id&gt;/data                            bytes received so far by upload session &lt;id&gt; (32 hex)
/// ├── uploads/&lt;id&gt;/repository                      the repository the session belongs to
/// ├── uploads/&lt;id&gt;/startedat                       when the session started (ISO 8601 UTC, as distribution keeps it)
/// ├── repositories/&lt;name…&gt;/                         one directory per name component (app/web → app/web/)
/// │   ├── _layers/sha256/&lt;hex&gt;                      empty: the blob is part of the repository
/// │   ├── _manifests/revisions/sha256/&lt;hex&gt;         "media type\nsubject digest": the manifest is in the repository
/// │   ├── _manifests/tags/&lt;tag&gt;                    the tagged manifest's digest
/// │   └── _referrers/sha256/&lt;subject hex&gt;/sha256/&lt;hex&gt;  empty: manifest &lt;hex&gt; has that subject
/// ├── tmp/&lt;random&gt;                                  files being written; renamed into place when complete
/// └── token.key                                     HMAC key of registry bearer tokens (when not configured)
/// </code>
/// Repository name components never start with <c>_</c> (OCI name grammar), so the <c>_layers</c>,
/// <c>_manifests</c> and <c>_referrers</c> directories cannot collide with a nested repository.
/// </summary>
internal sealed class FileSystemLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string BlobsRoot => Path.Combine(Root, "blobs");

    public string UploadsRoot => Path.Combine(Root, "uploads");

    public string RepositoriesRoot => Path.Combine(Root, "repositories");

    public string TempRoot => Path.Combine(Root, "tmp");

    public string Blob(Digest digest) => Path.Combine(BlobsRoot, digest.Algorithm, digest.Encoded[..2], digest.Encoded);

    public string UploadDirectory(string id) => Path.Combine(UploadsRoot, id);

    public string UploadData(string id) => Path.Combine(UploadsRoot, id, "data");

    public string UploadRepository(string id) => Path.Combine(UploadsRoot, id, "repository");

    public string UploadStartedAt(string id) => Path.Combine(UploadsRoot, id, "startedat");

    public string NewTempFile() => Path.Combine(TempRoot, Guid.NewGuid().ToString("N"));

    public string Repository(string name)
    {
        if (!RepositoryName.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid repository name.", nameof(name));
        }

        return Path.Combine(RepositoriesRoot, name.Replace('/', Path.DirectorySeparatorChar));
    }

    public string LayerLink(string name, Digest digest) => Path.Combine(Repository(name), "_layers", digest.Algorithm, digest.Encoded);

    public string ManifestRevisions(string name) => Path.Combine(Repository(name), "_manifests", "revisions");

    public string ManifestRevision(string name, Digest digest) => Path.Combine(ManifestRevisions(name), digest.Algorithm, digest.Encoded);

    public string Tags(string name) => Path.Combine(Repository(name), "_manifests", "tags");

    public string Tag(string name, string tag)
    {
        if (!RepositoryName.IsValidTag(tag))
        {
            throw new ArgumentException($"'{tag}' is not a valid tag.", nameof(tag));
        }

        return Path.Combine(Tags(name), tag);
    }

    public string Referrers(string name, Digest subject) => Path.Combine(Repository(name), "_referrers", subject.Algorithm, subject.Encoded);

    public string Referrer(string name, Digest subject, Digest digest) => Path.Combine(Referrers(name, subject), digest.Algorithm, digest.Encoded);

    public static bool IsUploadId(string id) => id.Length == 32 && id.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c));
}
