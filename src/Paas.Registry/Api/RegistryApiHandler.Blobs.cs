using System.Globalization;
using Microsoft.AspNetCore.Http;
using Paas.Oci;
using Paas.Registry.Auth;

namespace Paas.Registry.Api;

/// <summary>Blob endpoints: <c>HEAD</c>/<c>GET</c> (with a single <c>Range</c>) and <c>DELETE</c> (OCI distribution spec, "Pulling blobs", "Deleting Blobs").</summary>
internal sealed partial class RegistryApiHandler
{
    private async Task GetBlobAsync(HttpContext context, string name, string reference)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Pull).ConfigureAwait(false) is null)
        {
            return;
        }

        if (!Digest.TryParse(reference, out var digest))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, $"'{reference}' is not a valid digest.").ConfigureAwait(false);
            return;
        }

        // HEAD needs only the size: it stats the blob and never opens it.
        var ct = context.RequestAborted;
        var head = HttpMethods.IsHead(context.Request.Method);
        Stream? stream = null;
        long size = -1;
        if (await storage.IsBlobLinkedAsync(name, digest, ct).ConfigureAwait(false))
        {
            if (head)
            {
                size = (await storage.StatBlobAsync(digest, ct).ConfigureAwait(false))?.Size ?? -1;
            }
            else if ((stream = await storage.OpenBlobAsync(digest, ct).ConfigureAwait(false)) is not null)
            {
                size = stream.Length;
            }
        }

        if (size < 0)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.BlobUnknown, $"Blob {digest} is not in '{name}'.", digest.ToString()).ConfigureAwait(false);
            return;
        }

        try
        {
            var response = context.Response;
            response.Headers["Docker-Content-Digest"] = digest.ToString();
            response.Headers.ETag = $"\"{digest}\"";
            response.Headers.AcceptRanges = "bytes";
            response.ContentType = "application/octet-stream";
            long start = 0, length = size;
            var range = context.Request.Headers.Range.ToString();
            if (range.Length > 0)
            {
                if (!TryParseRange(range, size, out start, out length))
                {
                    response.Headers.ContentRange = $"bytes */{size}";
                    await ErrorAsync(context, StatusCodes.Status416RangeNotSatisfiable, RegistryErrorCodes.RangeInvalid, $"Range '{range}' is not satisfiable for {size} bytes.").ConfigureAwait(false);
                    return;
                }

                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = $"bytes {start}-{start + length - 1}/{size}";
            }

            response.ContentLength = length;
            if (stream is null || length == 0)
            {
                return;
            }

            stream.Position = start;
            await SendAsync(stream, response, length, ct).ConfigureAwait(false);
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The download hot path (blobs and manifests). Kestrel has no <c>sendfile(2)</c> path:
    /// <c>HttpResponse.SendFileAsync</c> falls back to copying a <see cref="FileStream"/> through a 64 KiB
    /// buffer into the response stream (dotnet/aspnetcore#18093), one copy more than this loop, which reads
    /// the file straight into the response pipe's memory. A local file is read synchronously: a page-cache
    /// hit is a memory copy, and <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/> on a
    /// <see cref="FileStream"/> only runs that same <c>pread(2)</c> on another thread-pool thread, a hop per
    /// chunk (a cold read blocks this thread as it would have blocked that one). Other streams (an object-storage driver's) are read asynchronously. Each chunk is flushed, so
    /// the pipe's back-pressure (Kestrel's <c>MaxResponseBufferSize</c>) bounds what one download holds in memory.
    /// </summary>
    private static async Task SendAsync(Stream source, HttpResponse response, long length, CancellationToken cancellationToken)
    {
        const int Chunk = 256 * 1024;
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        var writer = response.BodyWriter;
        var local = source is FileStream;
        var remaining = length;
        while (remaining > 0)
        {
            var memory = writer.GetMemory(Chunk);
            var want = (int)Math.Min(Math.Min(memory.Length, Chunk), remaining);
            var read = local
                ? source.Read(memory.Span[..want])
                : await source.ReadAsync(memory[..want], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            writer.Advance(read);
            remaining -= read;
            var flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                break;
            }
        }
    }

    /// <summary>One range of RFC 9110 section 14.1.2: <c>bytes=a-b</c>, <c>bytes=a-</c> or <c>bytes=-n</c>.</summary>
    internal static bool TryParseRange(string header, long size, out long start, out long length)
    {
        start = 0;
        length = 0;
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        var spec = header[6..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return false;
        }

        var first = spec[..dash];
        var last = spec[(dash + 1)..];
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix) || suffix == 0 || size == 0)
            {
                return false;
            }

            length = Math.Min(suffix, size);
            start = size - length;
            return true;
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start >= size)
        {
            return false;
        }

        var end = size - 1;
        if (last.Length > 0 && (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start))
        {
            return false;
        }

        end = Math.Min(end, size - 1);
        length = end - start + 1;
        return true;
    }

    private async Task DeleteBlobAsync(HttpContext context, string name, string reference)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Delete).ConfigureAwait(false) is null)
        {
            return;
        }

        if (!Digest.TryParse(reference, out var digest))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, $"'{reference}' is not a valid digest.").ConfigureAwait(false);
            return;
        }

        if (!await storage.UnlinkBlobAsync(name, digest, context.RequestAborted).ConfigureAwait(false))
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.BlobUnknown, $"Blob {digest} is not in '{name}'.", digest.ToString()).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }
}
