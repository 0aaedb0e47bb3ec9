using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Paas.Oci;

namespace Paas.Kubernetes.Images;

/// <summary>
/// Reads an image's config from an OCI distribution registry (spec sections "Pulling manifests" and "Pulling blobs") with
/// HTTP Basic auth, and remembers the answer per image reference (references are pinned by digest, so they never change).
/// </summary>
/// <param name="launcherPath">The launcher's path in the stack.</param>
/// <param name="username">The registry user (the platform's service), or null for anonymous.</param>
/// <param name="password">Its password, read at each call (it may be created after start-up).</param>
/// <param name="registryAuthority">The platform registry's <c>host:port</c>: the credential is sent there and to no other host.</param>
/// <param name="useHttps">Whether the registry speaks HTTPS.</param>
public sealed class RegistryImageInspector(string launcherPath, string? username, Func<string?> password, Func<string?> registryAuthority, bool useHttps = false) : IImageInspector, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<string, ImageStart> _known = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<ImageStart> InspectAsync(string image, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(image, out var known))
        {
            return known;
        }

        if (!Paas.Domain.ImageReference.TrySplit(image, out var host, out var repository, out var reference) || host is null)
        {
            return ImageStart.Unknown;
        }

        try
        {
            var baseUrl = $"{(useHttps ? "https" : "http")}://{host}/v2/{repository}";
            var manifestBytes = await GetAsync($"{baseUrl}/manifests/{reference}", [MediaTypes.OciManifest, MediaTypes.DockerManifest], cancellationToken).ConfigureAwait(false);
            if (manifestBytes is null)
            {
                return ImageStart.Unknown;
            }

            var manifest = OciJson.DeserializeManifest(manifestBytes);
            var configBytes = await GetAsync($"{baseUrl}/blobs/{manifest.Config.Digest}", [], cancellationToken).ConfigureAwait(false);
            if (configBytes is null)
            {
                return ImageStart.Unknown;
            }

            var config = OciJson.DeserializeConfig(configBytes);
            var start = new ImageStart(config.Config?.Entrypoint is [var first, ..] && first == launcherPath, Paas.Scheduling.ImagePorts.Web(config.Config?.ExposedPorts?.Keys));
            _known[image] = start;
            return start;
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or ManifestFormatException or TaskCanceledException)
        {
            return ImageStart.Unknown;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<byte[]?> GetAsync(string url, string[] accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var type in accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        if (username is not null && password() is { } secret && string.Equals(new Uri(url).Authority, registryAuthority(), StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Authorization = BasicAuthentication.Header(username, secret);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false) : null;
    }
}
