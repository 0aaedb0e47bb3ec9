using System.Buffers;
using Microsoft.AspNetCore.Http;
using Paas.Oci;
using Paas.Registry.Auth;
using Paas.Registry.Storage;

namespace Paas.Registry.Api;

/// <summary>
/// Manifest endpoints by tag or digest (OCI distribution spec, "Pulling manifests", "Pushing Manifests",
/// "Deleting Manifests"), for OCI manifests and indexes and Docker schema 2 manifests and lists.
/// </summary>
internal sealed partial class RegistryApiHandler
{
    private async Task GetManifestAsync(HttpContext context, string name, string reference)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Pull).ConfigureAwait(false) is null)
        {
            return;
        }

        var ct = context.RequestAborted;
        var digest = await ResolveAsync(context, name, reference).ConfigureAwait(false);
        if (digest is null)
        {
            return;
        }

        var revision = await storage.GetManifestAsync(name, digest.Value, ct).ConfigureAwait(false);
        var stream = revision is null ? null : await storage.OpenBlobAsync(digest.Value, ct).ConfigureAwait(false);
        if (revision is null || stream is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.ManifestUnknown, $"Manifest '{reference}' is not in '{name}'.").ConfigureAwait(false);
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            if (!Accepts(context.Request.Headers.Accept, revision.MediaType))
            {
                await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.ManifestUnknown, $"Manifest '{reference}' is a {revision.MediaType}, which the Accept header does not list.").ConfigureAwait(false);
                return;
            }

            var response = context.Response;
            response.ContentType = revision.MediaType;
            response.ContentLength = stream.Length;
            response.Headers["Docker-Content-Digest"] = digest.Value.ToString();
            response.Headers.ETag = $"\"{digest.Value}\"";
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await SendAsync(stream, response, stream.Length, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Accept negotiation: no header, <c>*/*</c>, <c>application/*</c>, <c>application/json</c> or the stored type itself accept the manifest.</summary>
    internal static bool Accepts(Microsoft.Extensions.Primitives.StringValues accept, string mediaType)
    {
        var any = false;
        foreach (var value in accept)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                any = true;
                var semicolon = part.IndexOf(';', StringComparison.Ordinal);
                var type = (semicolon >= 0 ? part[..semicolon] : part).Trim();
                if (type is "*/*" or "application/*" or "application/json" || type.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return !any;
    }

    /// <summary>A tag or digest reference to a digest; null when an error was written.</summary>
    private async Task<Digest?> ResolveAsync(HttpContext context, string name, string reference)
    {
        if (Digest.TryParse(reference, out var digest))
        {
            return digest;
        }

        if (reference.Contains(':', StringComparison.Ordinal))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, $"'{reference}' is not a valid digest.").ConfigureAwait(false);
            return null;
        }

        if (!RepositoryName.IsValidTag(reference))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.ManifestInvalid, $"'{reference}' is not a valid tag.").ConfigureAwait(false);
            return null;
        }

        var resolved = await storage.ResolveTagAsync(name, reference, context.RequestAborted).ConfigureAwait(false);
        if (resolved is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.ManifestUnknown, $"Tag '{reference}' is not in '{name}'.").ConfigureAwait(false);
        }

        return resolved;
    }

    private async Task PutManifestAsync(HttpContext context, string name, string reference)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Push).ConfigureAwait(false) is null)
        {
            return;
        }

        var ct = context.RequestAborted;
        Digest? byDigest = null;
        if (Digest.TryParse(reference, out var d))
        {
            byDigest = d;
        }
        else if (reference.Contains(':', StringComparison.Ordinal))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, $"'{reference}' is not a valid digest.").ConfigureAwait(false);
            return;
        }
        else if (!RepositoryName.IsValidTag(reference))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.ManifestInvalid, $"'{reference}' is not a valid tag.").ConfigureAwait(false);
            return;
        }

        var body = await ReadManifestBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        ParsedManifest parsed;
        try
        {
            parsed = ManifestParser.Parse(body, context.Request.ContentType);
        }
        catch (ManifestFormatException ex)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.ManifestInvalid, ex.Message).ConfigureAwait(false);
            return;
        }

        var digest = Digest.Compute(byDigest?.Algorithm ?? Digest.Sha256, body);
        if (byDigest is { } expected && expected != digest)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, $"The manifest's digest is {digest}, not {expected}.", digest.ToString()).ConfigureAwait(false);
            return;
        }

        foreach (var blob in parsed.Blobs)
        {
            if (!await storage.IsBlobLinkedAsync(name, blob.Digest, ct).ConfigureAwait(false) || await storage.StatBlobAsync(blob.Digest, ct).ConfigureAwait(false) is null)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.ManifestBlobUnknown, $"Blob {blob.Digest} referenced by the manifest is not in '{name}'; push it first.", blob.Digest.ToString()).ConfigureAwait(false);
                return;
            }
        }

        foreach (var child in parsed.Manifests)
        {
            if (await storage.GetManifestAsync(name, child.Digest, ct).ConfigureAwait(false) is null && !await storage.IsBlobLinkedAsync(name, child.Digest, ct).ConfigureAwait(false))
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.ManifestBlobUnknown, $"Manifest {child.Digest} referenced by the index is not in '{name}'; push it first.", child.Digest.ToString()).ConfigureAwait(false);
                return;
            }
        }

        using (var content = new MemoryStream(body, writable: false))
        {
            await storage.PutBlobAsync(content, digest, ct).ConfigureAwait(false);
        }

        await storage.PutManifestAsync(name, new ManifestRevision(digest, parsed.MediaType, parsed.Subject?.Digest), ct).ConfigureAwait(false);
        if (byDigest is null)
        {
            await storage.TagAsync(name, reference, digest, ct).ConfigureAwait(false);
        }

        RegistryLog.ManifestPushed(logger, name, reference, digest.ToString(), parsed.MediaType);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/manifests/{digest}";
        response.Headers["Docker-Content-Digest"] = digest.ToString();
        if (parsed.Subject is { } subject)
        {
            response.Headers["OCI-Subject"] = subject.Digest.ToString();
        }

        response.ContentLength = 0;
    }

    /// <summary>Reads at most <see cref="RegistryOptions.MaxManifestBytes"/>; null (after 413 <c>SIZE_INVALID</c>) when larger.</summary>
    private async Task<byte[]?> ReadManifestBodyAsync(HttpContext context)
    {
        var max = _options.MaxManifestBytes;
        if (context.Request.ContentLength > max)
        {
            await TooLargeAsync(context, max).ConfigureAwait(false);
            return null;
        }

        AllowUnlimitedBody(context);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await context.Request.Body.ReadAsync(memory, context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > max)
            {
                await TooLargeAsync(context, max).ConfigureAwait(false);
                return null;
            }
        }
    }

    private static Task TooLargeAsync(HttpContext context, int max) =>
        ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, RegistryErrorCodes.SizeInvalid, $"Manifests are limited to {max} bytes (OCI distribution spec, \"Pushing Manifests\").");

    private async Task DeleteManifestAsync(HttpContext context, string name, string reference)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Delete).ConfigureAwait(false) is null)
        {
            return;
        }

        var ct = context.RequestAborted;
        bool deleted;
        if (Digest.TryParse(reference, out var digest))
        {
            deleted = await storage.DeleteManifestAsync(name, digest, ct).ConfigureAwait(false);
        }
        else if (RepositoryName.IsValidTag(reference))
        {
            deleted = await storage.DeleteTagAsync(name, reference, ct).ConfigureAwait(false);
        }
        else
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, reference.Contains(':', StringComparison.Ordinal) ? RegistryErrorCodes.DigestInvalid : RegistryErrorCodes.ManifestInvalid, $"'{reference}' is neither a digest nor a tag.").ConfigureAwait(false);
            return;
        }

        if (!deleted)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.ManifestUnknown, $"Manifest '{reference}' is not in '{name}'.").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }
}
