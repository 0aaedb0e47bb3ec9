using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Paas.Client;

/// <summary>
/// The typed client of the platform's <c>/v2</c> API, shared by the <c>paas</c> CLI, the builder and the router.
/// One method per route; JSON per <see cref="PaasJson.Options"/>; the token is sent as
/// <c>Authorization: token &lt;t&gt;</c>.
/// </summary>
/// <remarks>
/// Every method throws <see cref="PaasApiException"/> when the platform answers with an error status
/// (the message is the RFC 7807 problem's <c>detail</c>) and <see cref="PaasConnectionException"/> when it
/// cannot be reached. The <see cref="HttpClient"/> is not modified (no base address, no default headers), so
/// one instance can be shared by several clients with different tokens.
/// </remarks>
public sealed partial class PaasClient
{
    private readonly HttpClient _http;
    private readonly Uri _base;

    /// <summary>Creates a client of the platform at <paramref name="baseUrl"/>.</summary>
    /// <param name="httpClient">The HTTP client to send with; its lifetime is the caller's.</param>
    /// <param name="baseUrl">The platform's API URL, e.g. <c>http://localhost:7000</c> (a path prefix is kept).</param>
    /// <param name="token">The API token, or null for the anonymous routes (health, register, login).</param>
    /// <exception cref="ArgumentException"><paramref name="baseUrl"/> is not an absolute http(s) URL.</exception>
    public PaasClient(HttpClient httpClient, Uri baseUrl, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The platform URL must be an absolute http(s) URL, not '{baseUrl}'.", nameof(baseUrl));
        }

        _http = httpClient;
        _base = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        BaseUrl = baseUrl;
        Token = string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>The platform's API URL as given.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The API token sent with each request, or null.</summary>
    public string? Token { get; }

    /// <summary>Returns a client of the same platform that sends <paramref name="token"/>.</summary>
    /// <param name="token">The token to send, or null for none.</param>
    public PaasClient WithToken(string? token) => new(_http, BaseUrl, token);

    /// <summary><c>GET /healthz</c>: whether the platform is up and ready (200).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when it answered 200, false for any other status.</returns>
    /// <exception cref="PaasConnectionException">Nothing answered.</exception>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("healthz"));
        using var response = await SendRawAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    // ---- auth ----

    /// <summary><c>POST /v2/auth/register</c>: creates a user (the first one becomes admin). Sends the token when set, so an admin can register others.</summary>
    /// <param name="request">Username, password, e-mail.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new user.</returns>
    public Task<UserInfo> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<UserInfo>(HttpMethod.Post, "v2/auth/register", request, cancellationToken);

    /// <summary><c>POST /v2/auth/login</c>: exchanges a username and password for a new token (401 on bad credentials).</summary>
    /// <param name="request">Username and password.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new token.</returns>
    public Task<TokenResponse> LoginAsync(LoginRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "v2/auth/login", request, cancellationToken);

    /// <summary><c>GET /v2/auth/whoami</c>: the user the token belongs to.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The caller.</returns>
    public Task<UserInfo> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        SendAsync<UserInfo>(HttpMethod.Get, "v2/auth/whoami", null, cancellationToken);

    /// <summary><c>POST /v2/auth/tokens</c>: issues a new token; every earlier token of the user stops working.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new token.</returns>
    public Task<TokenResponse> RegenerateTokenAsync(CancellationToken cancellationToken = default) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "v2/auth/tokens", null, cancellationToken);

    /// <summary><c>POST /v2/auth/passwd</c>: changes a password (204).</summary>
    /// <param name="request">Current and new password, and whose (admins only).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task ChangePasswordAsync(PasswordChangeRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v2/auth/passwd", request, cancellationToken);

    // ---- apps ----

    /// <summary><c>GET /v2/apps</c>: the apps the caller owns or that are shared with him.</summary>
    /// <param name="limit">Page size, or null for the platform's default.</param>
    /// <param name="offset">Items to skip, or null for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One page of apps.</returns>
    public Task<PagedList<AppInfo>> ListAppsAsync(int? limit = null, int? offset = null, CancellationToken cancellationToken = default) =>
        SendAsync<PagedList<AppInfo>>(HttpMethod.Get, Paged("v2/apps", limit, offset), null, cancellationToken);

    /// <summary><c>GET /v2/apps</c>, every page (1,000 apps a request): all the apps the user may see.</summary>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>Every app, by name, as one list.</returns>
    public Task<PagedList<AppInfo>> ListAllAppsAsync(CancellationToken cancellationToken = default) =>
        ListAllAsync<AppInfo>("v2/apps", cancellationToken);

    /// <summary>
    /// Every page of a list endpoint (<c>?limit=1000&amp;offset=N</c>, following its <c>next</c> until null), as one list: list
    /// endpoints answer one page (100 items by default).
    /// </summary>
    private async Task<PagedList<T>> ListAllAsync<T>(string path, CancellationToken cancellationToken)
    {
        const int PageSize = 1000;
        var all = new List<T>();
        while (true)
        {
            var page = await SendAsync<PagedList<T>>(HttpMethod.Get, Paged(path, PageSize, all.Count), null, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Results);
            if (page.Next is null || page.Results.Count == 0)
            {
                return new PagedList<T>(all.Count, all);
            }
        }
    }

    /// <summary><c>POST /v2/apps</c>: creates an app (201).</summary>
    /// <param name="request">The name, or null for a random one.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new app.</returns>
    public Task<AppInfo> CreateAppAsync(AppCreateRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<AppInfo>(HttpMethod.Post, "v2/apps", request, cancellationToken);

    /// <summary><c>GET /v2/apps/{app}</c>.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The app.</returns>
    public Task<AppInfo> GetAppAsync(string app, CancellationToken cancellationToken = default) =>
        SendAsync<AppInfo>(HttpMethod.Get, AppPath(app), null, cancellationToken);

    /// <summary><c>DELETE /v2/apps/{app}</c>: destroys the app and everything it holds (204).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task DeleteAppAsync(string app, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, AppPath(app), null, cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/transfer</c>: gives the app to another user.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">The new owner.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The app after the transfer.</returns>
    public Task<AppInfo> TransferAppAsync(string app, AppTransferRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<AppInfo>(HttpMethod.Post, AppPath(app, "transfer"), request, cancellationToken);

    // ---- config ----

    /// <summary><c>GET /v2/apps/{app}/config</c>.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The current config vars.</returns>
    public Task<ConfigInfo> GetConfigAsync(string app, CancellationToken cancellationToken = default) =>
        SendAsync<ConfigInfo>(HttpMethod.Get, AppPath(app, "config"), null, cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/config</c>: sets and unsets config vars in one new release (201; 409 when nothing changes).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">Names to values; a null value unsets.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new config, with the version of the release it made.</returns>
    public Task<ConfigInfo> UpdateConfigAsync(string app, ConfigUpdateRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ConfigInfo>(HttpMethod.Post, AppPath(app, "config"), request, cancellationToken);

    // ---- builds ----

    /// <summary><c>GET /v2/apps/{app}/builds</c>, newest first.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="limit">Page size, or null for the platform's default.</param>
    /// <param name="offset">Items to skip, or null for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One page of builds.</returns>
    public Task<PagedList<BuildInfo>> ListBuildsAsync(string app, int? limit = null, int? offset = null, CancellationToken cancellationToken = default) =>
        SendAsync<PagedList<BuildInfo>>(HttpMethod.Get, Paged(AppPath(app, "builds"), limit, offset), null, cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/builds</c>: deploys an existing image, making a new build and release (201).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">The image and its process types.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new build.</returns>
    public Task<BuildInfo> CreateBuildAsync(string app, BuildCreateRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<BuildInfo>(HttpMethod.Post, AppPath(app, "builds"), request, cancellationToken);

    // ---- releases ----

    /// <summary><c>GET /v2/apps/{app}/releases</c>, newest first.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="limit">Page size, or null for the platform's default.</param>
    /// <param name="offset">Items to skip, or null for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One page of releases (without their config).</returns>
    public Task<PagedList<ReleaseInfo>> ListReleasesAsync(string app, int? limit = null, int? offset = null, CancellationToken cancellationToken = default) =>
        SendAsync<PagedList<ReleaseInfo>>(HttpMethod.Get, Paged(AppPath(app, "releases"), limit, offset), null, cancellationToken);

    /// <summary><c>GET /v2/apps/{app}/releases/v{N}</c>.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="version">The release number (1-based).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The release with its config vars.</returns>
    public Task<ReleaseInfo> GetReleaseAsync(string app, int version, CancellationToken cancellationToken = default) =>
        SendAsync<ReleaseInfo>(HttpMethod.Get, AppPath(app, "releases/v" + version.ToString(CultureInfo.InvariantCulture)), null, cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/releases/rollback</c>: makes a new release with the build and config of an earlier one (201).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">The version to go back to; null for the one before the current.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new release.</returns>
    public Task<ReleaseInfo> RollbackAsync(string app, RollbackRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ReleaseInfo>(HttpMethod.Post, AppPath(app, "releases/rollback"), request, cancellationToken);

    // ---- formation ----

    /// <summary><c>GET /v2/apps/{app}/pods</c>, every page: the app's processes.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The processes.</returns>
    public Task<PagedList<ProcessInfo>> ListProcessesAsync(string app, CancellationToken cancellationToken = default) =>
        ListAllAsync<ProcessInfo>(AppPath(app, "pods"), cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/scale</c>: sets process counts, e.g. <c>{"web": 4, "worker": 1}</c> (204).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="counts">Process type to count (&gt;= 0); types not named keep their count.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task ScaleAsync(string app, IReadOnlyDictionary<string, int> counts, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AppPath(app, "scale"), counts, cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/pods/restart</c>: restarts all processes, those of one type, or one process.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">What to restart.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RestartAsync(string app, RestartRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AppPath(app, "pods/restart"), request, cancellationToken);

    // ---- perms ----

    /// <summary><c>GET /v2/apps/{app}/perms</c>, every page: who may use the app, and how.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The permissions.</returns>
    public Task<PagedList<PermissionInfo>> ListPermissionsAsync(string app, CancellationToken cancellationToken = default) =>
        ListAllAsync<PermissionInfo>(AppPath(app, "perms"), cancellationToken);

    /// <summary><c>GET /v2/apps/{app}/access</c>: the caller's own role on the app (404 unknown app, 403 no role).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The caller and his role (<c>admin</c>, <c>deploy</c> or <c>view</c>).</returns>
    public Task<PermissionInfo> GetAccessAsync(string app, CancellationToken cancellationToken = default) =>
        SendAsync<PermissionInfo>(HttpMethod.Get, AppPath(app, "access"), null, cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/perms</c>: shares the app with a user (201).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">The user and role.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task CreatePermissionAsync(string app, PermissionCreateRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AppPath(app, "perms"), request, cancellationToken);

    /// <summary><c>DELETE /v2/apps/{app}/perms/{username}</c>: stops sharing the app with a user (204).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="username">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task DeletePermissionAsync(string app, string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, AppPath(app, "perms/" + Uri.EscapeDataString(username)), null, cancellationToken);

    /// <summary><c>GET /v2/apps/{app}/domains</c>, every page: the app's custom domains.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The domains.</returns>
    public Task<PagedList<DomainInfo>> ListDomainsAsync(string app, CancellationToken cancellationToken = default) =>
        ListAllAsync<DomainInfo>(AppPath(app, "domains"), cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/domains</c>: routes a domain to the app (201; 409 when another app has it).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="domain">The domain, exact or <c>*.wildcard</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The domain as stored (lower case).</returns>
    public Task<DomainInfo> AddDomainAsync(string app, string domain, CancellationToken cancellationToken = default) =>
        SendAsync<DomainInfo>(HttpMethod.Post, AppPath(app, "domains"), new DomainCreateRequest(domain), cancellationToken);

    /// <summary><c>DELETE /v2/apps/{app}/domains/{domain}</c> (204).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="domain">The domain.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RemoveDomainAsync(string app, string domain, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, AppPath(app, "domains/" + Uri.EscapeDataString(domain)), null, cancellationToken);

    /// <summary><c>GET /v2/apps/{app}/settings</c>: maintenance mode and HTTPS enforcement.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The settings.</returns>
    public Task<AppSettingsInfo> GetSettingsAsync(string app, CancellationToken cancellationToken = default) =>
        SendAsync<AppSettingsInfo>(HttpMethod.Get, AppPath(app, "settings"), null, cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/settings</c>: changes the given settings (null ones stay).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="settings">The settings to change.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The settings after the change.</returns>
    public Task<AppSettingsInfo> UpdateSettingsAsync(string app, AppSettingsInfo settings, CancellationToken cancellationToken = default) =>
        SendAsync<AppSettingsInfo>(HttpMethod.Post, AppPath(app, "settings"), settings, cancellationToken);

    /// <summary><c>GET /v2/certs</c>, every page: uploaded certificates.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The certificates (never their keys).</returns>
    public Task<PagedList<CertificateInfo>> ListCertificatesAsync(CancellationToken cancellationToken = default) =>
        ListAllAsync<CertificateInfo>("v2/certs", cancellationToken);

    /// <summary><c>POST /v2/certs</c>: uploads a certificate chain and key (validated; 400 with every problem otherwise).</summary>
    /// <param name="request">The name, chain and key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The certificate.</returns>
    public Task<CertificateInfo> AddCertificateAsync(CertificateCreateRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<CertificateInfo>(HttpMethod.Post, "v2/certs", request, cancellationToken);

    /// <summary><c>POST /v2/certs/{name}/domain</c>: serves the certificate for a domain.</summary>
    /// <param name="name">The certificate's name.</param>
    /// <param name="domain">A domain of an app the caller administers.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The certificate with its domains.</returns>
    public Task<CertificateInfo> AttachCertificateAsync(string name, string domain, CancellationToken cancellationToken = default) =>
        SendAsync<CertificateInfo>(HttpMethod.Post, "v2/certs/" + Uri.EscapeDataString(name) + "/domain", new CertificateAttachRequest(domain), cancellationToken);

    /// <summary><c>DELETE /v2/certs/{name}/domain/{domain}</c> (204).</summary>
    /// <param name="name">The certificate's name.</param>
    /// <param name="domain">The domain.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task DetachCertificateAsync(string name, string domain, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "v2/certs/" + Uri.EscapeDataString(name) + "/domain/" + Uri.EscapeDataString(domain), null, cancellationToken);

    /// <summary><c>DELETE /v2/certs/{name}</c> (204): removes a certificate and detaches it everywhere.</summary>
    /// <param name="name">The certificate's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RemoveCertificateAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "v2/certs/" + Uri.EscapeDataString(name), null, cancellationToken);

    /// <summary>
    /// <c>GET /v2/apps/{app}/logs</c>: the app's log lines (Heroku's format), oldest first; with <paramref name="follow"/> the
    /// enumeration goes on with new lines until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="app">The app's name.</param>
    /// <param name="lines">How many past lines (1-1500; null for the platform's default, 100).</param>
    /// <param name="process">Only the lines of a process type (<c>web</c>) or one process (<c>web.1</c>), or null.</param>
    /// <param name="follow">Keep streaming new lines (<c>paas logs -t</c>).</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The lines, without their newline.</returns>
    public async IAsyncEnumerable<string> ReadLogsAsync(string app, int? lines = null, string? process = null, bool follow = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = new List<string>(3);
        if (lines is { } n)
        {
            query.Add("lines=" + n.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(process))
        {
            query.Add("process=" + Uri.EscapeDataString(process));
        }

        if (follow)
        {
            query.Add("follow=true");
        }

        var path = AppPath(app, "logs") + (query.Count == 0 ? "" : "?" + string.Join('&', query));
        using var response = await SendStreamingAsync(HttpMethod.Get, path, null, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await ReadLineOrEndAsync(reader, cancellationToken) is { } line)
        {
            yield return line;
        }
    }

    /// <summary>
    /// <c>POST /v2/apps/{app}/run</c>: runs a one-off process and yields its output lines as they come, then one final
    /// <see cref="RunEvent"/> with its exit code (a detached run yields only an empty final event).
    /// </summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">The command and options.</param>
    /// <param name="cancellationToken">Ends the process (the platform kills it when the caller goes away).</param>
    /// <returns>The events.</returns>
    public async IAsyncEnumerable<RunEvent> RunAsync(string app, RunCreateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await SendStreamingAsync(HttpMethod.Post, AppPath(app, "run"), request, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await ReadLineOrEndAsync(reader, cancellationToken) is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize<RunEvent>(line, PaasJson.Options) is { } e)
            {
                yield return e;
            }
        }
    }

    // ---- plumbing ----

    private static async Task<string?> ReadLineOrEndAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<HttpResponseMessage> SendStreamingAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("token", Token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: PaasJson.Options);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new PaasConnectionException(BaseUrl, Innermost(e).Message, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorFromAsync(method, path, response, cancellationToken);
        }
    }

    private static string AppPath(string app, string? rest = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(app);
        var path = "v2/apps/" + Uri.EscapeDataString(app);
        return rest is null ? path : path + "/" + rest;
    }

    private static string Paged(string path, int? limit, int? offset)
    {
        var query = new List<string>(2);
        if (limit is { } l)
        {
            query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        }

        if (offset is { } o)
        {
            query.Add("offset=" + o.ToString(CultureInfo.InvariantCulture));
        }

        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }

    private Uri Url(string relative) => new(_base, relative);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(method, path, body, cancellationToken);
        try
        {
            var value = await response.Content.ReadFromJsonAsync<T>(PaasJson.Options, cancellationToken);
            return value ?? throw Unexpected(method, path, response, "an empty body");
        }
        catch (JsonException e)
        {
            throw Unexpected(method, path, response, "a body that is not the expected JSON (" + e.Message + ")");
        }
        catch (NotSupportedException e)
        {
            throw Unexpected(method, path, response, "a body that is not JSON (" + e.Message + ")");
        }
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(method, path, body, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("token", Token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: PaasJson.Options);
        }

        var response = await SendRawAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorFromAsync(method, path, response, cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new PaasConnectionException(BaseUrl, Innermost(e).Message, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PaasConnectionException(BaseUrl, $"no answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static async Task<PaasApiException> ErrorFromAsync(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        ApiProblem? problem = null;
        if (mediaType.Contains("json", StringComparison.OrdinalIgnoreCase) && text.Length > 0)
        {
            try
            {
                problem = JsonSerializer.Deserialize<ApiProblem>(text, PaasJson.Options);
            }
            catch (JsonException)
            {
                problem = null;
            }
        }

        var message = problem?.Detail ?? problem?.Title;
        if (string.IsNullOrWhiteSpace(message))
        {
            message = $"{method} /{path} answered {(int)response.StatusCode} {response.ReasonPhrase}{Snippet(text)}";
        }

        return new PaasApiException(response.StatusCode, problem, message);
    }

    private static PaasApiException Unexpected(HttpMethod method, string path, HttpResponseMessage response, string what) =>
        new(response.StatusCode, null, $"{method} /{path} answered {(int)response.StatusCode} with {what}; are the client and the platform of the same version?");

    private static string Snippet(string text)
    {
        var line = string.Join(' ', text.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (line.Length == 0)
        {
            return "";
        }

        return ": " + (line.Length > 200 ? line[..200] + "..." : line);
    }
}
