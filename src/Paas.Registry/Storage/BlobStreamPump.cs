using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Paas.Oci;

namespace Paas.Registry.Storage;

/// <summary>
/// The hot path of every upload: stream → pooled buffer → file, hashing each buffer once it is written.
/// Never holds more than one buffer of a blob in memory.
/// </summary>
internal static class BlobStreamPump
{
    /// <summary>1 MiB: large enough that syscalls and hash calls are amortised, small enough to pool.</summary>
    public const int BufferSize = 1 << 20;

    /// <summary>Bytes written between two writeback kicks when the file will be fsync-ed.</summary>
    private const int WritebackInterval = 8 << 20;

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="file"/> from <paramref name="fileOffset"/>,
    /// feeding <paramref name="hash"/>. <paramref name="written"/> counts bytes that are both written and
    /// hashed, so after a failure the file can be truncated to <c>fileOffset + written</c> and the hash
    /// still matches the file. With <paramref name="startWriteback"/>, writeback to disk is started every
    /// 8 MiB so the final fsync has little left to do.
    /// </summary>
    public static async Task CopyAsync(Stream source, SafeFileHandle file, long fileOffset, IncrementalHash hash, CopyProgress written, bool startWriteback, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long kicked = 0;
        try
        {
            while (true)
            {
                var filled = await FillAsync(source, buffer, cancellationToken).ConfigureAwait(false);
                if (filled == 0)
                {
                    return;
                }

                RandomAccess.Write(file, buffer.AsSpan(0, filled), fileOffset + written.Bytes);
                hash.AppendData(buffer, 0, filled);
                written.Bytes += filled;
                if (startWriteback && written.Bytes - kicked >= WritebackInterval)
                {
                    Writeback.Start(file, fileOffset + kicked, written.Bytes - kicked);
                    kicked = written.Bytes;
                }

                if (filled < buffer.Length)
                {
                    // FillAsync only returns a partial buffer at the end of the stream.
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes a whole file (used after a restart, when no running hash exists).</summary>
    public static Digest HashFile(string path, string algorithm)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(algorithm == Digest.Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
        HashInto(handle, hash, long.MaxValue);
        return Digest.FromHash(algorithm, hash.GetHashAndReset());
    }

    /// <summary>Feeds the first <paramref name="length"/> bytes of a file to <paramref name="hash"/>.</summary>
    public static void HashInto(SafeFileHandle handle, IncrementalHash hash, long length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0;
            while (offset < length)
            {
                var want = (int)Math.Min(buffer.Length, length - offset);
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, want), offset);
                if (read == 0)
                {
                    return;
                }

                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<int> FillAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
