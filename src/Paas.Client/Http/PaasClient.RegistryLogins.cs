namespace Paas.Client;

/// <summary>Apps' logins to registries other than the platform's own (<c>paas registry:login</c>).</summary>
public sealed partial class PaasClient
{
    /// <summary><c>GET /v2/apps/{app}/registry-logins</c>: the registries the app has a login for, without passwords.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The logins, by registry.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task<IReadOnlyList<RegistryLoginInfo>> ListRegistryLoginsAsync(string app, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<RegistryLoginInfo>>(HttpMethod.Get, AppPath(app, "registry-logins"), null, cancellationToken);

    /// <summary><c>PUT /v2/apps/{app}/registry-logins/{registry}</c>: stores (or replaces) the app's login to a registry.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="registry">The registry host, <c>host[:port]</c>.</param>
    /// <param name="request">User name and password.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The login as stored, without its password.</returns>
    /// <exception cref="PaasApiException">The API answered an error (400 bad host or values, or the platform's own registry).</exception>
    public Task<RegistryLoginInfo> SetRegistryLoginAsync(string app, string registry, RegistryLoginRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<RegistryLoginInfo>(HttpMethod.Put, AppPath(app, "registry-logins/" + Uri.EscapeDataString(registry)), request, cancellationToken);

    /// <summary><c>DELETE /v2/apps/{app}/registry-logins/{registry}</c> (204; 404 when the app has none for it).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="registry">The registry host.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task RemoveRegistryLoginAsync(string app, string registry, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, AppPath(app, "registry-logins/" + Uri.EscapeDataString(registry)), null, cancellationToken);
}
