using Paas.Oci;

namespace Paas.Registry.Storage;

/// <summary>A manifest linked into a repository.</summary>
/// <param name="Digest">The manifest's digest; its bytes are the blob of that digest.</param>
/// <param name="MediaType">The manifest's media type, one of <see cref="MediaTypes.Manifests"/>.</param>
/// <param name="Subject">The manifest's <c>subject</c> digest, when it has one.</param>
public sealed record ManifestRevision(Digest Digest, string MediaType, Digest? Subject);
