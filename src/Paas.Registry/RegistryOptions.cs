namespace Paas.Registry;

/// <summary>
/// Settings of the integrated registry, bound from the <c>Registry</c> configuration section
/// (e.g. <c>Registry__RootDirectory</c> in the environment) and validated at start-up.
/// </summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section name: <c>Registry</c>.</summary>
    public const string SectionName = "Registry";

    /// <summary>
    /// The platform data directory; the default storage root is <c>&lt;DataDirectory&gt;/registry</c>.
    /// Default: the <c>PAAS_DATA_DIR</c> environment variable, else <c>./data</c>.
    /// </summary>
    public string DataDirectory { get; set; } = Environment.GetEnvironmentVariable("PAAS_DATA_DIR") ?? "data";

    /// <summary>The storage root of the filesystem driver. Default (null): <c>&lt;DataDirectory&gt;/registry</c>.</summary>
    public string? RootDirectory { get; set; }

    /// <summary>
    /// Largest accepted manifest, in bytes. Default 4 MiB (4194304), the limit the OCI distribution
    /// spec ("Pushing Manifests") tells clients to respect; larger pushes get 413 <c>SIZE_INVALID</c>.
    /// </summary>
    public int MaxManifestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Whether blobs, manifests and tags are <c>fsync</c>-ed before they are published by rename, so a
    /// power loss cannot leave a visible but empty file. Default true.
    /// </summary>
    public bool FsyncWrites { get; set; } = true;

    /// <summary>The <c>service</c> named in bearer challenges and tokens (<c>aud</c>). Default <c>paas-registry</c>.</summary>
    public string Service { get; set; } = "paas-registry";

    /// <summary>
    /// The token endpoint URL put in <c>WWW-Authenticate: Bearer realm=...</c>. Default (null): derived
    /// from each request as <c>&lt;scheme&gt;://&lt;host&gt;/v2/token</c>, which is right when clients reach the registry directly.
    /// </summary>
    public string? TokenRealm { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key signing bearer tokens, base64, at least 32 bytes. Default (null): a random key
    /// generated once and kept in <c>&lt;root&gt;/token.key</c> (mode 0600), so tokens survive restarts and
    /// every replica sharing the storage accepts them.
    /// </summary>
    public string? TokenSigningKey { get; set; }

    /// <summary>How long an issued bearer token is valid. Default 5 minutes; between 10 seconds and 1 day.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a successful HTTP Basic sign-in and an access the policy allowed are remembered, so each request of a
    /// pull or push does not repeat the platform's user and permission lookups (see <c>Auth/RegistryAuthCache</c>).
    /// Default 5 seconds; between zero (no cache) and 1 minute. A revoked API token or permission is refused again at
    /// most this long after the change; refusals are never cached.
    /// </summary>
    public TimeSpan AuthCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a blob upload session (OCI distribution spec, "Pushing blobs": <c>POST /v2/NAME/blobs/uploads/</c>, then
    /// <c>PATCH</c>es and the closing <c>PUT</c>) may stay unfinished, counted from its <c>POST</c>
    /// (<c>Registry:UploadExpiry</c>, env <c>PAAS_REGISTRY_UPLOAD_EXPIRY</c> in seconds). An older session is discarded with
    /// its bytes: by a sweep at start and every quarter of this period (at least hourly), and when a request names it, which
    /// is answered 404 <c>BLOB_UPLOAD_UNKNOWN</c> as for any unknown session. Default 24 hours; between 1 second and 30 days.
    /// </summary>
    public TimeSpan UploadExpiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How many unfinished, unexpired upload sessions one repository may hold at once (<c>Registry:MaxOpenUploadsPerRepository</c>,
    /// env <c>PAAS_REGISTRY_MAX_OPEN_UPLOADS</c>). One more <c>POST /v2/NAME/blobs/uploads/</c> is answered 429
    /// <c>TOOMANYREQUESTS</c> (OCI distribution spec, "Error Codes", code-14) until a session is finished, cancelled
    /// (<c>DELETE</c>) or expired. Monolithic uploads (<c>POST ?digest=</c>) and mounts open no session and are not counted.
    /// Default 64 (a client pushes a few layers of an image in parallel); between 1 and 100000.
    /// </summary>
    public int MaxOpenUploadsPerRepository { get; set; } = 64;

    /// <summary>The effective storage root: <see cref="RootDirectory"/>, else <c>&lt;DataDirectory&gt;/registry</c>, made absolute.</summary>
    /// <returns>An absolute directory path.</returns>
    public string GetRootDirectory() => Path.GetFullPath(RootDirectory ?? Path.Combine(DataDirectory, "registry"));
}
