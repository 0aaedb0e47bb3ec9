using Paas.Oci;

namespace Paas.Registry.Gc;

/// <summary>What a garbage collection found (and, unless a dry run, removed).</summary>
/// <param name="DryRun">True when nothing was removed.</param>
/// <param name="Unreferenced">Blobs no manifest in any repository references, removed unless <paramref name="DryRun"/>.</param>
/// <param name="Bytes">Total size of <paramref name="Unreferenced"/> in bytes.</param>
/// <param name="Referenced">How many blobs are kept because a manifest references them (or is one).</param>
/// <param name="SkippedYoung">Unreferenced blobs spared because they are younger than the minimum age (an upload whose manifest is not pushed yet).</param>
/// <param name="AbandonedUploads">Expired upload sessions (older than <see cref="RegistryOptions.UploadExpiry"/>), cancelled unless <paramref name="DryRun"/>.</param>
public sealed record GarbageCollectionResult(bool DryRun, IReadOnlyList<Digest> Unreferenced, long Bytes, int Referenced, int SkippedYoung, int AbandonedUploads);
