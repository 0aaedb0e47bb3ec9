using System.Net;
using System.Net.Http.Headers;
using Paas.Oci;

namespace Paas.Builder;

/// <summary>
/// Pushes an image to an OCI distribution registry over plain HTTP with Basic auth (OCI distribution spec v1.1:
/// <c>HEAD /v2/NAME/blobs/DIGEST</c> to skip blobs already there, monolithic upload by <c>POST .../blobs/uploads/</c> then
/// <c>PUT LOCATION?digest=</c>, then <c>PUT /v2/NAME/manifests/TAG</c>).
/// </summary>
internal sealed class RegistryPusher(HttpClient http, Uri registry, string username, string password)
{
    /// <summary>Uploads a blob unless the registry has it already.</summary>
    /// <returns>Whether it was uploaded (false: it was there).</returns>
    public async Task<bool> PushBlobAsync(string repository, Descriptor blob, Func<Stream> open, CancellationToken cancellationToken)
    {
        using (var head = Request(HttpMethod.Head, $"/v2/{repository}/blobs/{blob.Digest}"))
        using (var exists = await http.SendAsync(head, cancellationToken).ConfigureAwait(false))
        {
            if (exists.StatusCode == HttpStatusCode.OK)
            {
                return false;
            }
        }

        Uri location;
        using (var post = Request(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/"))
        using (var started = await http.SendAsync(post, cancellationToken).ConfigureAwait(false))
        {
            await EnsureAsync(started, "start an upload", cancellationToken).ConfigureAwait(false);
            location = started.Headers.Location ?? throw new HttpRequestException("the registry gave no upload location");
        }

        var target = location.IsAbsoluteUri ? location : new Uri(registry, location);
        var separator = target.Query.Length > 0 ? "&" : "?";
        using var put = Request(HttpMethod.Put, target.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(blob.Digest.ToString()));
        var content = open();
        await using (content.ConfigureAwait(false))
        {
            put.Content = new StreamContent(content);
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            put.Content.Headers.ContentLength = blob.Size;
            using var done = await http.SendAsync(put, cancellationToken).ConfigureAwait(false);
            await EnsureAsync(done, "upload " + blob.Digest, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Links a blob of <paramref name="from"/> into <paramref name="repository"/> without sending it (OCI distribution spec
    /// v1.1, "Mounting a blob from another repository": <c>POST /v2/NAME/blobs/uploads/?mount=DIGEST&amp;from=OTHER</c>
    /// answers 201 when mounted). Checks first with <c>HEAD</c> whether the repository has it already.
    /// </summary>
    /// <returns>True when the blob is in <paramref name="repository"/> now; false when the registry started an ordinary
    /// upload instead (202) and the caller must upload it.</returns>
    public async Task<bool> MountBlobAsync(string repository, Digest digest, string from, CancellationToken cancellationToken)
    {
        using (var head = Request(HttpMethod.Head, $"/v2/{repository}/blobs/{digest}"))
        using (var exists = await http.SendAsync(head, cancellationToken).ConfigureAwait(false))
        {
            if (exists.StatusCode == HttpStatusCode.OK)
            {
                return true;
            }
        }

        using var post = Request(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(from)}");
        using var mounted = await http.SendAsync(post, cancellationToken).ConfigureAwait(false);
        if (mounted.StatusCode == HttpStatusCode.Created)
        {
            return true;
        }

        await EnsureAsync(mounted, "mount " + digest, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>Puts a manifest under <paramref name="reference"/> (a tag).</summary>
    public async Task PushManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken cancellationToken)
    {
        using var put = Request(HttpMethod.Put, $"/v2/{repository}/manifests/{reference}");
        put.Content = new ByteArrayContent(manifest);
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var done = await http.SendAsync(put, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(done, "put the manifest", cancellationToken).ConfigureAwait(false);
    }

    private HttpRequestMessage Request(HttpMethod method, string pathOrUrl)
    {
        var request = new HttpRequestMessage(method, pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? new Uri(pathOrUrl) : new Uri(registry, pathOrUrl));
        request.Headers.Authorization = BasicAuthentication.Header(username, password);
        return request;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"the registry refused to {what}: {(int)response.StatusCode} {(body.Length > 200 ? body[..200] : body)}");
        }
    }
}
