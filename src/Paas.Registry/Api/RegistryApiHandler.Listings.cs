using System.Globalization;
using Microsoft.AspNetCore.Http;
using Paas.Oci;
using Paas.Registry.Auth;

namespace Paas.Registry.Api;

/// <summary>
/// Listing endpoints: <c>tags/list</c> and <c>_catalog</c> with <c>n</c>/<c>last</c> pagination and
/// RFC 8288 <c>Link</c> headers (OCI distribution spec, "Listing Tags"), and the referrers API ("Listing Referrers").
/// </summary>
internal sealed partial class RegistryApiHandler
{
    private async Task TagsAsync(HttpContext context, string name)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Pull).ConfigureAwait(false) is null)
        {
            return;
        }

        var tags = await storage.ListTagsAsync(name, context.RequestAborted).ConfigureAwait(false);
        if (tags is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.NameUnknown, $"Repository '{name}' does not exist.").ConfigureAwait(false);
            return;
        }

        var page = await PageAsync(context, tags, $"/v2/{name}/tags/list").ConfigureAwait(false);
        if (page is not null)
        {
            await context.Response.WriteAsJsonAsync(new TagList(name, page), RegistryJsonContext.Default.TagList, "application/json", context.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task CatalogAsync(HttpContext context)
    {
        var identity = await auth.AuthenticateAsync(context).ConfigureAwait(false);
        if (identity is null)
        {
            await ChallengeAsync(context, "registry:catalog:*", error: null).ConfigureAwait(false);
            return;
        }

        // Only the repositories the caller may pull are listed.
        var visible = new List<string>();
        foreach (var repository in await storage.ListRepositoriesAsync(context.RequestAborted).ConfigureAwait(false))
        {
            if (await auth.IsAllowedAsync(identity.Principal, repository, RegistryAction.Pull, context.RequestAborted).ConfigureAwait(false))
            {
                visible.Add(repository);
            }
        }

        var page = await PageAsync(context, visible, "/v2/_catalog").ConfigureAwait(false);
        if (page is not null)
        {
            await context.Response.WriteAsJsonAsync(new CatalogBody(page), RegistryJsonContext.Default.CatalogBody, "application/json", context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Applies <c>last</c> (exclusive, ordinal) and <c>n</c>; adds <c>Link: &lt;...&gt;; rel="next"</c> when more remain. Null when an error was written.</summary>
    private static async Task<IReadOnlyList<string>?> PageAsync(HttpContext context, IReadOnlyList<string> sorted, string path)
    {
        var query = context.Request.Query;
        var last = query["last"].ToString();
        IEnumerable<string> items = sorted;
        if (last.Length > 0)
        {
            items = items.Where(item => string.CompareOrdinal(item, last) > 0);
        }

        var nText = query["n"].ToString();
        if (nText.Length == 0)
        {
            return items.ToList();
        }

        if (!int.TryParse(nText, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.PaginationNumberInvalid, $"n='{nText}' is not a non-negative integer.").ConfigureAwait(false);
            return null;
        }

        var remaining = items.ToList();
        var page = remaining.Take(n).ToList();
        if (remaining.Count > page.Count && page.Count > 0)
        {
            context.Response.Headers.Link = $"<{path}?n={n}&last={Uri.EscapeDataString(page[^1])}>; rel=\"next\"";
        }

        return page;
    }

    private async Task ReferrersAsync(HttpContext context, string name, string reference)
    {
        if (await AuthorizeAsync(context, name, RegistryAction.Pull).ConfigureAwait(false) is null)
        {
            return;
        }

        if (!Digest.TryParse(reference, out var subject))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, $"'{reference}' is not a valid digest.").ConfigureAwait(false);
            return;
        }

        var ct = context.RequestAborted;
        var artifactType = context.Request.Query["artifactType"].ToString();
        var descriptors = new List<Descriptor>();
        foreach (var digest in await storage.ListReferrersAsync(name, subject, ct).ConfigureAwait(false))
        {
            var revision = await storage.GetManifestAsync(name, digest, ct).ConfigureAwait(false);
            var stream = revision is null ? null : await storage.OpenBlobAsync(digest, ct).ConfigureAwait(false);
            if (revision is null || stream is null)
            {
                continue;
            }

            byte[] bytes;
            await using (stream.ConfigureAwait(false))
            {
                bytes = new byte[stream.Length];
                await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            }

            var parsed = ManifestParser.Parse(bytes, revision.MediaType);
            if (artifactType.Length > 0 && parsed.ArtifactType != artifactType)
            {
                continue;
            }

            descriptors.Add(new Descriptor
            {
                MediaType = revision.MediaType,
                Digest = digest,
                Size = bytes.Length,
                ArtifactType = parsed.ArtifactType,
                Annotations = parsed.Annotations,
            });
        }

        if (artifactType.Length > 0)
        {
            context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        }

        var index = OciJson.Serialize(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = descriptors });
        context.Response.ContentType = MediaTypes.OciIndex;
        context.Response.ContentLength = index.Length;
        await context.Response.Body.WriteAsync(index, ct).ConfigureAwait(false);
    }
}
