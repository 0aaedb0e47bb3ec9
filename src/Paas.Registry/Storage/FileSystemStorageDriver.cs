using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Paas.Oci;

namespace Paas.Registry.Storage;

/// <summary>
/// The filesystem storage driver: content under one root directory, laid out as documented on
/// <see cref="FileSystemLayout"/>. Crash safety comes from writing every file aside (in <c>tmp/</c> or
/// the upload's own directory), optionally <c>fsync</c>-ing it, then publishing it with an atomic
/// <c>rename(2)</c>; the temporary and upload directories are on the same filesystem as the blobs.
/// </summary>
internal sealed class FileSystemStorageDriver : IRegistryStorageDriver
{
    private readonly FileSystemLayout _layout;
    private readonly bool _fsync;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, UploadState> _uploads = new(StringComparer.Ordinal);

    /// <param name="root">The storage root.</param>
    /// <param name="fsync">Whether files are flushed to disk before they are published.</param>
    /// <param name="time">The clock that stamps upload sessions' start (<see cref="UploadInfo.StartedAt"/>); default the system's.</param>
    public FileSystemStorageDriver(string root, bool fsync = true, TimeProvider? time = null)
    {
        _layout = new FileSystemLayout(root);
        _fsync = fsync;
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(_layout.BlobsRoot);
        Directory.CreateDirectory(_layout.UploadsRoot);
        Directory.CreateDirectory(_layout.RepositoriesRoot);
        Directory.CreateDirectory(_layout.TempRoot);
    }

    public FileSystemLayout Layout => _layout;

    public ValueTask<BlobInfo?> StatBlobAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(_layout.Blob(digest));
        return ValueTask.FromResult(info.Exists ? new BlobInfo(digest, info.Length, info.LastWriteTimeUtc) : null);
    }

    public ValueTask<Stream?> OpenBlobAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        try
        {
            Stream stream = new FileStream(_layout.Blob(digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
            return ValueTask.FromResult<Stream?>(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ValueTask.FromResult<Stream?>(null);
        }
    }

    public async ValueTask<BlobInfo> PutBlobAsync(Stream content, Digest? expected, CancellationToken cancellationToken = default)
    {
        var algorithm = expected?.Algorithm ?? Digest.Sha256;
        var temp = _layout.NewTempFile();
        try
        {
            Digest actual;
            long size;
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var hash = IncrementalHash.CreateHash(algorithm == Digest.Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256))
            {
                var progress = new CopyProgress();
                await BlobStreamPump.CopyAsync(content, handle, 0, hash, progress, _fsync, cancellationToken).ConfigureAwait(false);
                actual = Digest.FromHash(algorithm, hash.GetHashAndReset());
                size = progress.Bytes;
                if (_fsync)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }

            if (expected is { } e && e != actual)
            {
                throw new DigestMismatchException(e, actual);
            }

            return Publish(temp, actual, size);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public ValueTask<bool> DeleteBlobAsync(Digest digest, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TryDelete(_layout.Blob(digest)));

    public async IAsyncEnumerable<BlobInfo> ListBlobsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var algorithmDir in SafeDirectories(_layout.BlobsRoot))
        {
            var algorithm = Path.GetFileName(algorithmDir);
            foreach (var prefixDir in SafeDirectories(algorithmDir))
            {
                foreach (var file in SafeFiles(prefixDir))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (Digest.TryParse($"{algorithm}:{Path.GetFileName(file)}", out var digest))
                    {
                        var info = new FileInfo(file);
                        if (info.Exists)
                        {
                            yield return new BlobInfo(digest, info.Length, info.LastWriteTimeUtc);
                        }
                    }
                }
            }
        }
    }

    public ValueTask<UploadInfo> StartUploadAsync(string repository, CancellationToken cancellationToken = default)
    {
        _layout.Repository(repository); // validates the name
        var id = Guid.NewGuid().ToString("N");
        var startedAt = _time.GetUtcNow();
        Directory.CreateDirectory(_layout.UploadDirectory(id));
        File.WriteAllText(_layout.UploadRepository(id), repository);
        File.WriteAllText(_layout.UploadStartedAt(id), startedAt.ToString("O", CultureInfo.InvariantCulture));
        File.WriteAllBytes(_layout.UploadData(id), []);
        var state = new UploadState { Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256) };
        _uploads[id] = state;
        return ValueTask.FromResult(new UploadInfo(id, repository, 0, startedAt));
    }

    public async ValueTask<UploadInfo?> GetUploadAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!FileSystemLayout.IsUploadId(id))
        {
            return null;
        }

        var state = _uploads.GetOrAdd(id, static _ => new UploadState());
        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var upload = ReadUpload(id);
            if (upload is null && state.Hash is null)
            {
                // Unknown id: do not keep a lock object for it.
                _uploads.TryRemove(new KeyValuePair<string, UploadState>(id, state));
            }

            return upload;
        }
        finally
        {
            state.Lock.Release();
        }
    }

    public async ValueTask<long> AppendUploadAsync(string id, long? offset, Stream content, CancellationToken cancellationToken = default)
    {
        if (!FileSystemLayout.IsUploadId(id))
        {
            throw new UploadUnknownException(id);
        }

        var state = _uploads.GetOrAdd(id, static _ => new UploadState());
        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var dataPath = _layout.UploadData(id);
            if (!File.Exists(dataPath))
            {
                throw new UploadUnknownException(id);
            }

            using var handle = File.OpenHandle(dataPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            var start = RandomAccess.GetLength(handle);
            if (offset is { } o && o != start)
            {
                throw new UploadOffsetMismatchException(start);
            }

            EnsureRunningHash(state, handle, start);
            var progress = new CopyProgress();
            try
            {
                await BlobStreamPump.CopyAsync(content, handle, start, state.Hash!, progress, _fsync, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Keep exactly the bytes that were written and hashed, so the client can resume from there.
                RandomAccess.SetLength(handle, start + progress.Bytes);
                state.HashedLength = start + progress.Bytes;
                throw;
            }

            state.HashedLength = start + progress.Bytes;
            return state.HashedLength;
        }
        finally
        {
            state.Lock.Release();
        }
    }

    public async ValueTask<BlobInfo> CompleteUploadAsync(string id, Digest expected, CancellationToken cancellationToken = default)
    {
        if (!FileSystemLayout.IsUploadId(id))
        {
            throw new UploadUnknownException(id);
        }

        var state = _uploads.GetOrAdd(id, static _ => new UploadState());
        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var dataPath = _layout.UploadData(id);
            if (!File.Exists(dataPath))
            {
                throw new UploadUnknownException(id);
            }

            Digest actual;
            long size;
            using (var handle = File.OpenHandle(dataPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete))
            {
                size = RandomAccess.GetLength(handle);
                if (expected.Algorithm == Digest.Sha256)
                {
                    EnsureRunningHash(state, handle, size);
                    actual = Digest.FromHash(Digest.Sha256, state.Hash!.GetCurrentHash());
                }
                else
                {
                    using var other = IncrementalHash.CreateHash(expected.HashAlgorithm);
                    BlobStreamPump.HashInto(handle, other, size);
                    actual = Digest.FromHash(expected.Algorithm, other.GetHashAndReset());
                }

                if (actual == expected && _fsync)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }

            if (actual != expected)
            {
                RemoveUpload(id);
                throw new DigestMismatchException(expected, actual);
            }

            var blob = Publish(dataPath, actual, size);
            RemoveUpload(id);
            return blob;
        }
        finally
        {
            state.Lock.Release();
        }
    }

    public async ValueTask<bool> CancelUploadAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!FileSystemLayout.IsUploadId(id))
        {
            return false;
        }

        var state = _uploads.GetOrAdd(id, static _ => new UploadState());
        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existed = Directory.Exists(_layout.UploadDirectory(id));
            RemoveUpload(id);
            return existed;
        }
        finally
        {
            state.Lock.Release();
        }
    }

    public async IAsyncEnumerable<UploadInfo> ListUploadsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var dir in SafeDirectories(_layout.UploadsRoot))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var upload = ReadUpload(Path.GetFileName(dir));
            if (upload is not null)
            {
                yield return upload;
            }
        }
    }

    public ValueTask LinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken = default)
    {
        var path = _layout.LayerLink(repository, digest);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (File.Open(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
            {
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> IsBlobLinkedAsync(string repository, Digest digest, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(File.Exists(_layout.LayerLink(repository, digest)));

    public ValueTask<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TryDelete(_layout.LayerLink(repository, digest)));

    public ValueTask PutManifestAsync(string repository, ManifestRevision revision, CancellationToken cancellationToken = default)
    {
        WriteAtomically(_layout.ManifestRevision(repository, revision.Digest), $"{revision.MediaType}\n{revision.Subject}");
        if (revision.Subject is { } subject)
        {
            var link = _layout.Referrer(repository, subject, revision.Digest);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            using (File.Open(link, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
            {
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<ManifestRevision?> GetManifestAsync(string repository, Digest digest, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReadRevision(_layout.ManifestRevision(repository, digest), digest));

    public async ValueTask<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken cancellationToken = default)
    {
        var path = _layout.ManifestRevision(repository, digest);
        var revision = ReadRevision(path, digest);
        if (revision is null)
        {
            return false;
        }

        var tags = await ListTagsAsync(repository, cancellationToken).ConfigureAwait(false) ?? [];
        foreach (var tag in tags)
        {
            if (await ResolveTagAsync(repository, tag, cancellationToken).ConfigureAwait(false) == digest)
            {
                TryDelete(_layout.Tag(repository, tag));
            }
        }

        if (revision.Subject is { } subject)
        {
            TryDelete(_layout.Referrer(repository, subject, digest));
        }

        return TryDelete(path);
    }

    public async IAsyncEnumerable<ManifestRevision> ListManifestsAsync(string repository, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var algorithmDir in SafeDirectories(_layout.ManifestRevisions(repository)))
        {
            var algorithm = Path.GetFileName(algorithmDir);
            foreach (var file in SafeFiles(algorithmDir))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Digest.TryParse($"{algorithm}:{Path.GetFileName(file)}", out var digest) && ReadRevision(file, digest) is { } revision)
                {
                    yield return revision;
                }
            }
        }
    }

    public ValueTask TagAsync(string repository, string tag, Digest digest, CancellationToken cancellationToken = default)
    {
        WriteAtomically(_layout.Tag(repository, tag), digest.ToString());
        return ValueTask.CompletedTask;
    }

    public ValueTask<Digest?> ResolveTagAsync(string repository, string tag, CancellationToken cancellationToken = default)
    {
        try
        {
            var text = File.ReadAllText(_layout.Tag(repository, tag)).Trim();
            return ValueTask.FromResult<Digest?>(Digest.TryParse(text, out var digest) ? digest : null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ValueTask.FromResult<Digest?>(null);
        }
    }

    public ValueTask<bool> DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TryDelete(_layout.Tag(repository, tag)));

    public ValueTask<IReadOnlyList<string>?> ListTagsAsync(string repository, CancellationToken cancellationToken = default)
    {
        if (!IsRepository(_layout.Repository(repository)))
        {
            return ValueTask.FromResult<IReadOnlyList<string>?>(null);
        }

        var tags = SafeFiles(_layout.Tags(repository)).Select(Path.GetFileName).OfType<string>().ToList();
        tags.Sort(StringComparer.Ordinal);
        return ValueTask.FromResult<IReadOnlyList<string>?>(tags);
    }

    public ValueTask<IReadOnlyList<Digest>> ListReferrersAsync(string repository, Digest subject, CancellationToken cancellationToken = default)
    {
        var result = new List<Digest>();
        foreach (var algorithmDir in SafeDirectories(_layout.Referrers(repository, subject)))
        {
            var algorithm = Path.GetFileName(algorithmDir);
            foreach (var file in SafeFiles(algorithmDir))
            {
                if (Digest.TryParse($"{algorithm}:{Path.GetFileName(file)}", out var digest))
                {
                    result.Add(digest);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<Digest>>(result);
    }

    public ValueTask<IReadOnlyList<string>> ListRepositoriesAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<string>();
        Walk(_layout.RepositoriesRoot, prefix: null);
        result.Sort(StringComparer.Ordinal);
        return ValueTask.FromResult<IReadOnlyList<string>>(result);

        void Walk(string dir, string? prefix)
        {
            foreach (var child in SafeDirectories(dir))
            {
                var component = Path.GetFileName(child);
                if (component.StartsWith('_'))
                {
                    continue;
                }

                var name = prefix is null ? component : $"{prefix}/{component}";
                if (IsRepository(child))
                {
                    result.Add(name);
                }

                Walk(child, name);
            }
        }
    }

    private static bool IsRepository(string dir) =>
        Directory.Exists(Path.Combine(dir, "_manifests")) || Directory.Exists(Path.Combine(dir, "_layers"));

    /// <summary>Moves a verified file into the blob store; when the blob already exists the file is dropped.</summary>
    private BlobInfo Publish(string source, Digest digest, long size)
    {
        var target = _layout.Blob(digest);
        if (!File.Exists(target))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // rename(2) replaces atomically; a concurrent identical upload publishes the same bytes.
            File.Move(source, target, overwrite: true);
        }
        else
        {
            // Pushed again: make it young, so a garbage collection running now spares it until its manifest arrives.
            TryTouch(target);
        }

        var info = new FileInfo(target);
        return new BlobInfo(digest, size, info.Exists ? info.LastWriteTimeUtc : DateTimeOffset.UtcNow);
    }

    private void EnsureRunningHash(UploadState state, Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length)
    {
        if (state.Hash is not null && state.HashedLength == length)
        {
            return;
        }

        // After a restart (or a lost state) re-hash what is on disk, once.
        state.Hash?.Dispose();
        state.Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        BlobStreamPump.HashInto(handle, state.Hash, length);
        state.HashedLength = length;
    }

    private UploadInfo? ReadUpload(string id)
    {
        var data = new FileInfo(_layout.UploadData(id));
        if (!data.Exists)
        {
            return null;
        }

        string repository;
        try
        {
            repository = File.ReadAllText(_layout.UploadRepository(id)).Trim();
        }
        catch (IOException)
        {
            return null;
        }

        return new UploadInfo(id, repository, data.Length, ReadStartedAt(id));
    }

    /// <summary>The session's <c>startedat</c> stamp; for a session from before stamps were written, its folder's time.</summary>
    private DateTimeOffset ReadStartedAt(string id)
    {
        try
        {
            if (DateTimeOffset.TryParse(File.ReadAllText(_layout.UploadStartedAt(id)), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var stamp))
            {
                return stamp;
            }
        }
        catch (IOException)
        {
            // no stamp (FileNotFoundException is an IOException)
        }

        return Directory.GetCreationTimeUtc(_layout.UploadDirectory(id));
    }

    private void RemoveUpload(string id)
    {
        if (_uploads.TryRemove(id, out var state))
        {
            state.Hash?.Dispose();
            state.Hash = null;
        }

        try
        {
            Directory.Delete(_layout.UploadDirectory(id), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static ManifestRevision? ReadRevision(string path, Digest digest)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var lines = text.Split('\n');
        Digest? subject = lines.Length > 1 && Digest.TryParse(lines[1].Trim(), out var s) ? s : null;
        return new ManifestRevision(digest, lines[0].Trim(), subject);
    }

    private void WriteAtomically(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = _layout.NewTempFile();
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
                if (_fsync)
                {
                    stream.Flush(flushToDisk: true);
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static void TryTouch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    private static IEnumerable<string> SafeDirectories(string path) =>
        Directory.Exists(path) ? Directory.EnumerateDirectories(path) : [];

    private static IEnumerable<string> SafeFiles(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path) : [];

    private sealed class UploadState
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public IncrementalHash? Hash { get; set; }

        public long HashedLength { get; set; }
    }
}
