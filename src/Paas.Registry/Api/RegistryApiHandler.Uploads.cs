using System.Globalization;
using Microsoft.AspNetCore.Http;
using Paas.Oci;
using Paas.Registry.Auth;
using Paas.Registry.Storage;

namespace Paas.Registry.Api;

/// <summary>
/// Upload endpoints (OCI distribution spec, "Pushing blobs"): monolithic <c>POST ?digest=</c>,
/// <c>POST</c> then <c>PUT</c>, chunked <c>PATCH</c> with <c>Content-Range</c>, status <c>GET</c>,
/// cross-repository mount <c>POST ?mount=&amp;from=</c> and cancel <c>DELETE</c>. Sessions are opened and found through
/// <see cref="Uploads.UploadSessions"/>: at most <see cref="RegistryOptions.MaxOpenUploadsPerRepository"/> open per repository
/// (429 <c>TOOMANYREQUESTS</c>), none older than <see cref="RegistryOptions.UploadExpiry"/> (404 <c>BLOB_UPLOAD_UNKNOWN</c>).
/// </summary>
internal sealed partial class RegistryApiHandler
{
    private async Task StartUploadAsync(HttpContext context, string name)
    {
        var identity = await AuthorizeAsync(context, name, RegistryAction.Push).ConfigureAwait(false);
        if (identity is null)
        {
            return;
        }

        var ct = context.RequestAborted;
        var query = context.Request.Query;
        if (query.TryGetValue("mount", out var mount) && await TryMountAsync(identity, name, mount.ToString(), query["from"].ToString(), ct).ConfigureAwait(false) is { } mounted)
        {
            BlobCreated(context, name, mounted);
            return;
        }

        if (query.TryGetValue("digest", out var digestText))
        {
            if (!Digest.TryParse(digestText.ToString(), out var expected))
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, $"'{digestText}' is not a valid digest.").ConfigureAwait(false);
                return;
            }

            AllowUnlimitedBody(context);
            BlobInfo blob;
            try
            {
                blob = await storage.PutBlobAsync(context.Request.Body, expected, ct).ConfigureAwait(false);
            }
            catch (DigestMismatchException ex)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, ex.Message, ex.Actual.ToString()).ConfigureAwait(false);
                return;
            }

            await storage.LinkBlobAsync(name, blob.Digest, ct).ConfigureAwait(false);
            RegistryLog.BlobStored(logger, name, blob.Digest.ToString(), blob.Size);
            BlobCreated(context, name, blob.Digest);
            return;
        }

        var (upload, open) = await uploads.StartAsync(name, ct).ConfigureAwait(false);
        if (upload is null)
        {
            var expiry = _options.UploadExpiry.ToString("c", CultureInfo.InvariantCulture);
            await ErrorAsync(
                context,
                StatusCodes.Status429TooManyRequests,
                RegistryErrorCodes.TooManyRequests,
                $"'{name}' has {open} unfinished uploads open, the most allowed: finish them (PUT), cancel them (DELETE) or wait until they expire (unfinished uploads are discarded {expiry} after they start), then retry. Operators set the limit with PAAS_REGISTRY_MAX_OPEN_UPLOADS.").ConfigureAwait(false);
            return;
        }

        UploadAccepted(context, name, upload.Id, 0);
    }

    /// <summary>Links a blob from another repository the caller may pull; null means "start a normal upload instead" (spec: end-11).</summary>
    private async Task<Digest?> TryMountAsync(RequestIdentity identity, string name, string mount, string from, CancellationToken ct)
    {
        if (!Digest.TryParse(mount, out var digest) || !RepositoryName.IsValid(from))
        {
            return null;
        }

        var mayPull = identity.TokenAccess?.Any(a => a.Grants("repository", from, "pull")) == true
            || await auth.IsAllowedAsync(identity.Principal, from, RegistryAction.Pull, ct).ConfigureAwait(false);
        if (!mayPull
            || !await storage.IsBlobLinkedAsync(from, digest, ct).ConfigureAwait(false)
            || await storage.StatBlobAsync(digest, ct).ConfigureAwait(false) is null)
        {
            return null;
        }

        await storage.LinkBlobAsync(name, digest, ct).ConfigureAwait(false);
        return digest;
    }

    private async Task<UploadInfo?> FindUploadAsync(HttpContext context, string name, string id)
    {
        var (upload, expired) = await uploads.FindAsync(name, id, context.RequestAborted).ConfigureAwait(false);
        if (upload is null)
        {
            var message = expired
                ? $"Upload '{id}' in '{name}' expired: uploads not finished within {_options.UploadExpiry.ToString("c", CultureInfo.InvariantCulture)} of their start are discarded. Start a new upload (POST /v2/{name}/blobs/uploads/)."
                : $"Upload '{id}' is unknown in '{name}'.";
            await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.BlobUploadUnknown, message).ConfigureAwait(false);
            return null;
        }

        return upload;
    }

    private async Task UploadStatusAsync(HttpContext context, string name, string id)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Push).ConfigureAwait(false) is null)
        {
            return;
        }

        if (await FindUploadAsync(context, name, id).ConfigureAwait(false) is { } upload)
        {
            UploadAccepted(context, name, id, upload.Size);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
    }

    private async Task PatchUploadAsync(HttpContext context, string name, string id)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Push).ConfigureAwait(false) is null)
        {
            return;
        }

        if (await FindUploadAsync(context, name, id).ConfigureAwait(false) is not { } upload)
        {
            return;
        }

        var size = await AppendAsync(context, upload).ConfigureAwait(false);
        if (size is not null)
        {
            UploadAccepted(context, name, id, size.Value);
        }
    }

    private async Task PutUploadAsync(HttpContext context, string name, string id)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Push).ConfigureAwait(false) is null)
        {
            return;
        }

        var digestText = context.Request.Query["digest"].ToString();
        if (!Digest.TryParse(digestText, out var expected))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, $"'{digestText}' is not a valid digest: PUT needs ?digest=.").ConfigureAwait(false);
            return;
        }

        if (await FindUploadAsync(context, name, id).ConfigureAwait(false) is not { } upload)
        {
            return;
        }

        if (context.Request.ContentLength is not 0 && await AppendAsync(context, upload).ConfigureAwait(false) is null)
        {
            return;
        }

        BlobInfo blob;
        try
        {
            blob = await storage.CompleteUploadAsync(id, expected, context.RequestAborted).ConfigureAwait(false);
        }
        catch (DigestMismatchException ex)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, ex.Message, ex.Actual.ToString()).ConfigureAwait(false);
            return;
        }
        catch (UploadUnknownException)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.BlobUploadUnknown, $"Upload '{id}' is unknown in '{name}'.").ConfigureAwait(false);
            return;
        }

        await storage.LinkBlobAsync(name, blob.Digest, context.RequestAborted).ConfigureAwait(false);
        RegistryLog.BlobStored(logger, name, blob.Digest.ToString(), blob.Size);
        BlobCreated(context, name, blob.Digest);
    }

    /// <summary>Appends the request body, honouring <c>Content-Range</c>; null when an error was written.</summary>
    private async Task<long?> AppendAsync(HttpContext context, UploadInfo upload)
    {
        long? offset = null;
        var contentRange = context.Request.Headers.ContentRange.ToString();
        if (contentRange.Length > 0)
        {
            if (!TryParseContentRange(contentRange, out var start, out var end))
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.BlobUploadInvalid, $"Content-Range '{contentRange}' is not '<start>-<end>'.").ConfigureAwait(false);
                return null;
            }

            var declared = end - start + 1;
            if (start != upload.Size || (context.Request.ContentLength is { } length && length != declared))
            {
                RangeHeader(context, upload.Size);
                await ErrorAsync(context, StatusCodes.Status416RangeNotSatisfiable, RegistryErrorCodes.BlobUploadInvalid, $"Chunk {start}-{end} does not continue the upload at offset {upload.Size} (or disagrees with Content-Length).").ConfigureAwait(false);
                return null;
            }

            offset = start;
        }

        AllowUnlimitedBody(context);
        try
        {
            return await storage.AppendUploadAsync(upload.Id, offset, context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (UploadOffsetMismatchException ex)
        {
            RangeHeader(context, ex.CurrentSize);
            await ErrorAsync(context, StatusCodes.Status416RangeNotSatisfiable, RegistryErrorCodes.BlobUploadInvalid, ex.Message).ConfigureAwait(false);
            return null;
        }
        catch (UploadUnknownException)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.BlobUploadUnknown, $"Upload '{upload.Id}' is unknown.").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary><c>&lt;start&gt;-&lt;end&gt;</c> (inclusive), optionally prefixed by <c>bytes </c> and suffixed by <c>/total</c>.</summary>
    internal static bool TryParseContentRange(string value, out long start, out long end)
    {
        start = end = 0;
        var text = value.Trim();
        if (text.StartsWith("bytes", StringComparison.OrdinalIgnoreCase))
        {
            text = text[5..].TrimStart(' ', '=');
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            text = text[..slash];
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out start)
            && long.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out end)
            && end >= start;
    }

    private async Task CancelUploadAsync(HttpContext context, string name, string id)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Push).ConfigureAwait(false) is null)
        {
            return;
        }

        if (await FindUploadAsync(context, name, id).ConfigureAwait(false) is null)
        {
            return;
        }

        await storage.CancelUploadAsync(id, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static void UploadAccepted(HttpContext context, string name, string id, long size)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status202Accepted;
        response.Headers.Location = $"/v2/{name}/blobs/uploads/{id}";
        response.Headers["Docker-Upload-UUID"] = id;
        response.Headers["OCI-Chunk-Min-Length"] = "0";
        RangeHeader(context, size);
        response.ContentLength = 0;
    }

    /// <summary><c>Range: 0-&lt;last byte&gt;</c> of what the upload holds; <c>0-0</c> when empty, as distribution does.</summary>
    private static void RangeHeader(HttpContext context, long size) =>
        context.Response.Headers["Range"] = string.Create(CultureInfo.InvariantCulture, $"0-{Math.Max(0, size - 1)}");

    private static void BlobCreated(HttpContext context, string name, Digest digest)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        response.Headers["Docker-Content-Digest"] = digest.ToString();
        response.ContentLength = 0;
    }
}
