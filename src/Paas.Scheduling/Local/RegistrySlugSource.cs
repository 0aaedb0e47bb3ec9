using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Paas.Oci;

namespace Paas.Scheduling.Local;

/// <summary>
/// Pulls slugs from the platform's registry (OCI distribution spec, "Pulling manifests" and "Pulling blobs") with HTTP
/// Basic auth as the platform service, or from another registry with the app's login to it (<see cref="IAppRegistryLogins"/>,
/// HTTP Basic, or the bearer token the registry's token service gives for that login), and unpacks each image once per manifest digest into <see cref="LocalPaths.Slug"/>:
/// 1. GET /v2/REPO/manifests/REFERENCE (Accept: OCI or Docker manifest);
/// 2. choose the layers: the one annotated <c>io.paas.layer: slug</c> when there is one (images the builder makes; on a
///    stack the others are the Debian stack and the process types file, which the local runtime does not need), else
///    every layer (images from elsewhere, <c>paas pull</c>);
/// 3. for each chosen layer, base first: GET /v2/REPO/blobs/DIGEST, verify its digest, untar (gunzip first when
///    compressed) into a temporary folder;
/// 4. rename the folder into place. The slug is the image's <c>app/</c> folder.
/// </summary>
public sealed partial class RegistrySlugSource : ISlugSource, IDisposable
{
    /// <summary>The manifest layer annotation the builder puts on the slug layer (value <c>slug</c>).</summary>
    public const string SlugLayerAnnotation = "io.paas.layer";

    private readonly LocalRuntimeOptions _options;
    private readonly LocalPaths _paths;
    private readonly IAppRegistryLogins? _logins;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, DateTimeOffset> _adopted = new(StringComparer.Ordinal); // slug folder -> when taken; under _gate

    /// <summary>How long a slug taken from the builder is kept from pruning while no deploy has prepared it yet: 10 min.</summary>
    public static readonly TimeSpan AdoptedGrace = TimeSpan.FromMinutes(10);

    /// <summary>Creates the source.</summary>
    /// <param name="options">The runtime's settings (data folder, registry credential).</param>
    /// <param name="logins">Apps' logins to other registries, or null when none are kept (images elsewhere are then pulled anonymously).</param>
    public RegistrySlugSource(IOptions<LocalRuntimeOptions> options, IAppRegistryLogins? logins = null)
    {
        _options = options.Value;
        _logins = logins;
        _paths = new LocalPaths(_options.DataDirectory);
    }

    /// <inheritdoc />
    public async Task<SlugResult> PrepareAsync(string app, string image, CancellationToken cancellationToken)
    {
        if (!TrySplit(image, out var host, out var repository, out var reference))
        {
            return SlugResult.Failed($"'{image}' is not an image reference (HOST/REPOSITORY@DIGEST)");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The manifest is always fetched, also for a digest already unpacked: the pull proves the registry lets the
            // platform read this repository (an unpacked slug is never handed to a reference that merely names its digest).
            var baseUrl = $"{(_options.RegistryUseHttps ? "https" : "http")}://{host}/v2/{repository}";
            var authorization = await AuthorizationAsync(app, host, cancellationToken).ConfigureAwait(false);
            var response = await GetManifestAsync($"{baseUrl}/manifests/{reference}", authorization, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized && BearerChallenge(response) is { } challenge
                && await TokenAsync(challenge, repository, authorization, cancellationToken).ConfigureAwait(false) is { } token)
            {
                // Registry token authentication: the login buys a bearer token for this repository, which every request then carries.
                response.Dispose();
                authorization = new AuthenticationHeaderValue("Bearer", token);
                response = await GetManifestAsync($"{baseUrl}/manifests/{reference}", authorization, cancellationToken).ConfigureAwait(false);
            }

            using var _ = response;
            if (!response.IsSuccessStatusCode)
            {
                return SlugResult.Failed(ManifestRefusal(image, host, response, authorization is not null));
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var digest = Digest.Compute(bytes);
            if (Digest.TryParse(reference, out var expected) && expected != digest)
            {
                return SlugResult.Failed($"the manifest of {image} does not match its digest");
            }

            var target = _paths.Slug(digest.ToString());
            if (Directory.Exists(target))
            {
                _adopted.Remove(target);
                return SlugResult.Ready(AppFolder(target));
            }

            var manifest = ManifestParser.Parse(bytes, response.Content.Headers.ContentType?.MediaType);
            if (MediaTypes.IsIndex(manifest.MediaType))
            {
                return SlugResult.Failed($"{image} is an image index; the local runtime needs an image manifest");
            }

            Directory.CreateDirectory(_paths.Slugs);
            var temporary = Path.Combine(_paths.Slugs, ".tmp-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(temporary);
            try
            {
                foreach (var layer in SlugLayers(manifest))
                {
                    var failure = await UnpackAsync(baseUrl, authorization, layer, temporary, cancellationToken).ConfigureAwait(false);
                    if (failure is not null)
                    {
                        return SlugResult.Failed(failure);
                    }
                }

                Directory.Move(temporary, target);
            }
            finally
            {
                if (Directory.Exists(temporary))
                {
                    Directory.Delete(temporary, recursive: true);
                }
            }

            return SlugResult.Ready(AppFolder(target));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or ManifestFormatException or UnauthorizedAccessException)
        {
            return SlugResult.Failed($"pulling {image} failed: {e.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Takes a slug a builder in this process has just pushed as <paramref name="image"/>: the folder is moved (a rename,
    /// so only on the same file system; otherwise nothing is taken and a deploy pulls as usual) to where pulling that
    /// manifest digest would unpack it, owned by this process's user, whom no buildpack runs as. A deploy of the image still
    /// fetches its manifest and checks its digest (<see cref="PrepareAsync"/>); the layers it skips are the ones the builder
    /// hashed from these very files.
    /// </summary>
    /// <param name="image">The image, pinned by its manifest digest (<c>HOST/REPOSITORY@sha256:...</c>); another form is not taken.</param>
    /// <param name="slugDirectory">The slug (the image's <c>/app</c>).</param>
    /// <param name="cancellationToken">Cancels the wait for a pull in progress.</param>
    /// <returns>True when taken; false when the digest is unpacked already, the reference has no digest, or the move failed.</returns>
    public async Task<bool> AdoptAsync(string image, string slugDirectory, CancellationToken cancellationToken)
    {
        if (!TrySplit(image, out _, out _, out var reference) || !Digest.TryParse(reference, out var digest))
        {
            return false;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var temporary = Path.Combine(_paths.Slugs, ".tmp-" + Guid.NewGuid().ToString("N"));
        try
        {
            var target = _paths.Slug(digest.ToString());
            if (Directory.Exists(target))
            {
                return false;
            }

            Directory.CreateDirectory(temporary);
            Directory.Move(slugDirectory, Path.Combine(temporary, "app"));
            if (Environment.IsPrivilegedProcess
                && (await SystemUsers.RunAsync("chown", ["-R", "--no-dereference", "0:0", temporary]).ConfigureAwait(false)) is { Code: not 0 } chown)
            {
                throw new IOException("chown failed: " + chown.Output.Trim());
            }

            Directory.Move(temporary, target);
            _adopted[target] = DateTimeOffset.UtcNow; // a prune between now and its deploy keeps it
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // not taken: a deploy pulls the image as it would anyway
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }

            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task PruneAsync(IReadOnlyCollection<string> inUse, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_paths.Slugs))
        {
            return;
        }

        var keep = inUse.Select(i => TrySplit(i, out _, out _, out var r) && Digest.TryParse(r, out var d) ? _paths.Slug(d.ToString()) : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (inUse.Any(i => !(TrySplit(i, out _, out _, out var r) && Digest.TryParse(r, out _))))
        {
            return; // an image pinned by tag: its digest is unknown here, keep everything
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (folder, taken) in _adopted.ToList().Where(a => DateTimeOffset.UtcNow - a.Value > AdoptedGrace))
            {
                _adopted.Remove(folder);
            }

            foreach (var folder in Directory.GetDirectories(_paths.Slugs).Where(f => !Path.GetFileName(f).StartsWith('.') && !keep.Contains(f) && !_adopted.ContainsKey(f)))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The Authorization a pull from <paramref name="host"/> carries: the platform's credential for the platform's own
    /// registry (<see cref="LocalRuntimeOptions.RegistryAuthority"/>) and for no other host, since a reference to another
    /// registry must never receive the service secret; the app's own login for another registry; else none.
    /// </summary>
    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(string app, string? host, CancellationToken cancellationToken)
    {
        if (host is null)
        {
            return null;
        }

        if (_options.RegistryAuthority?.Invoke() is { } own && string.Equals(host, own, StringComparison.OrdinalIgnoreCase))
        {
            return _options.RegistryPassword is { } secret ? BasicAuthentication.Header(_options.RegistryUsername, secret) : null;
        }

        return _logins is not null && await _logins.FindAsync(app, host, cancellationToken).ConfigureAwait(false) is { } login
            ? BasicAuthentication.Header(login.Username, login.Password)
            : null;
    }

    private async Task<HttpResponseMessage> GetManifestAsync(string url, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = authorization } };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciManifest));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.DockerManifest));
        return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The parameters of a <c>WWW-Authenticate: Bearer realm="...",service="...",scope="..."</c> challenge (RFC 6750 section 3; Docker "Token Authentication Specification"), or null.</summary>
    private static Dictionary<string, string>? BearerChallenge(HttpResponseMessage response)
    {
        var bearer = response.Headers.WwwAuthenticate.FirstOrDefault(c => string.Equals(c.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase));
        if (bearer?.Parameter is not { } parameter)
        {
            return null;
        }

        var values = AuthParameter().Matches(parameter).ToDictionary(m => m.Groups[1].Value.ToLowerInvariant(), m => m.Groups[2].Value, StringComparer.Ordinal);
        return values.TryGetValue("realm", out var realm) && Uri.TryCreate(realm, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? values : null;
    }

    /// <summary>Asks the challenge's realm for a pull token for <paramref name="repository"/>, with the Basic login when there is one; null when refused.</summary>
    private async Task<string?> TokenAsync(Dictionary<string, string> challenge, string repository, AuthenticationHeaderValue? login, CancellationToken cancellationToken)
    {
        var query = $"scope={Uri.EscapeDataString($"repository:{repository}:pull")}";
        if (challenge.TryGetValue("service", out var service))
        {
            query = $"service={Uri.EscapeDataString(service)}&{query}";
        }

        var realm = challenge["realm"];
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{realm}{(realm.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{query}") { Headers = { Authorization = login } };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        foreach (var name in (string[])["token", "access_token"])
        {
            if (json.RootElement.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } token)
            {
                return token;
            }
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"([A-Za-z][A-Za-z0-9_-]*)\s*=\s*""([^""]*)""", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex AuthParameter();

    /// <summary>Why a registry refused a manifest, in words that say what to do.</summary>
    private static string ManifestRefusal(string image, string? host, HttpResponseMessage response, bool withLogin)
    {
        var status = (int)response.StatusCode;
        return status switch
        {
            401 when withLogin => $"{host} refused the app's login for {image} (401); store a valid one with 'paas registry:login {host}'",
            401 => $"{host} needs a login to pull {image} (401); store one with 'paas registry:login {host}'",
            403 => $"{host} refused to let {(withLogin ? "the app's login" : "an anonymous pull")} read {image} (403)",
            404 => $"{host} has no image {image} (404)",
            _ => $"the registry answered {status} for the manifest of {image}",
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private async Task<string?> UnpackAsync(string baseUrl, AuthenticationHeaderValue? authorization, Descriptor layer, string folder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/blobs/{layer.Digest}") { Headers = { Authorization = authorization } };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return $"the registry answered {(int)response.StatusCode} for layer {layer.Digest}";
        }

        var file = Path.Combine(folder, ".layer");
        await using (var output = File.Create(file))
        {
            await response.Content.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
        }

        await using (var check = File.OpenRead(file))
        {
            using var hasher = layer.Digest.CreateHasher();
            var buffer = new byte[81920];
            int read;
            while ((read = await check.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hasher.AppendData(buffer, 0, read);
            }

            if (Digest.FromHash(layer.Digest.Algorithm, hasher.GetHashAndReset()) != layer.Digest)
            {
                return $"layer {layer.Digest} does not match its digest";
            }
        }

        await using (var input = File.OpenRead(file))
        {
            Stream tar = layer.MediaType.EndsWith("gzip", StringComparison.Ordinal) ? new GZipStream(input, CompressionMode.Decompress) : input;
            await using (tar.ConfigureAwait(false))
            {
                await TarFile.ExtractToDirectoryAsync(tar, folder, overwriteFiles: true, cancellationToken).ConfigureAwait(false);
            }
        }

        File.Delete(file);
        return null;
    }

    /// <summary>The layers to unpack: the slug layer alone when the builder annotated one, else all of them (step 2).</summary>
    private static IEnumerable<Descriptor> SlugLayers(ParsedManifest manifest)
    {
        var layers = manifest.Blobs.Skip(1).ToList();
        var slug = layers.Where(l => l.Annotations?.GetValueOrDefault(SlugLayerAnnotation) == "slug").ToList();
        return slug.Count > 0 ? slug : layers;
    }

    private static string AppFolder(string slug)
    {
        var app = Path.Combine(slug, "app");
        return Directory.Exists(app) ? app : slug;
    }

    /// <summary>A reference the local runtime can pull: one that names its registry host (see <see cref="Paas.Domain.ImageReference.TrySplit"/>).</summary>
    private static bool TrySplit(string image, out string host, out string repository, out string reference)
    {
        var split = Paas.Domain.ImageReference.TrySplit(image, out var found, out repository, out reference);
        host = found ?? "";
        return split && found is not null;
    }
}
