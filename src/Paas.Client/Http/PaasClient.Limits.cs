namespace Paas.Client;

/// <summary>Limits, health checks (both part of a release) and autoscaling (not part of a release).</summary>
public sealed partial class PaasClient
{
    /// <summary><c>GET /v2/apps/{app}/limits</c>: the current release's limits.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The limits, and whether the platform's scheduler enforces them.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task<LimitsInfo> GetLimitsAsync(string app, CancellationToken cancellationToken = default) =>
        SendAsync<LimitsInfo>(HttpMethod.Get, AppPath(app, "limits"), null, cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/limits</c>: sets and removes limits in one new release (201; 409 when nothing changes).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">Process type to memory and CPU limits; null removes one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new limits, with the version of the release they made.</returns>
    /// <exception cref="PaasApiException">The API answered an error (400 bad value or unknown type, 409 no change).</exception>
    public Task<LimitsInfo> UpdateLimitsAsync(string app, LimitsUpdateRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<LimitsInfo>(HttpMethod.Post, AppPath(app, "limits"), request, cancellationToken);

    /// <summary><c>GET /v2/apps/{app}/healthchecks</c>: the current release's health checks.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The health checks.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task<HealthChecksInfo> GetHealthChecksAsync(string app, CancellationToken cancellationToken = default) =>
        SendAsync<HealthChecksInfo>(HttpMethod.Get, AppPath(app, "healthchecks"), null, cancellationToken);

    /// <summary><c>POST /v2/apps/{app}/healthchecks</c>: sets the health check of one process type in a new release (201; 409 when it is the same).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">The type and its check.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new health checks, with the version of the release they made.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task<HealthChecksInfo> SetHealthCheckAsync(string app, HealthCheckSetRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<HealthChecksInfo>(HttpMethod.Post, AppPath(app, "healthchecks"), request, cancellationToken);

    /// <summary><c>DELETE /v2/apps/{app}/healthchecks/{type}</c>: removes the health check of one process type in a new release (404 when it has none).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="type">The process type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The remaining health checks, with the version of the release this made.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task<HealthChecksInfo> RemoveHealthCheckAsync(string app, string type, CancellationToken cancellationToken = default) =>
        SendAsync<HealthChecksInfo>(HttpMethod.Delete, AppPath(app, "healthchecks/" + Uri.EscapeDataString(type)), null, cancellationToken);

    /// <summary><c>GET /v2/apps/{app}/autoscale</c>: the app's autoscaling policies.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The policies, and whether the platform's scheduler can autoscale.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task<AutoscaleInfo> GetAutoscaleAsync(string app, CancellationToken cancellationToken = default) =>
        SendAsync<AutoscaleInfo>(HttpMethod.Get, AppPath(app, "autoscale"), null, cancellationToken);

    /// <summary><c>PUT /v2/apps/{app}/autoscale/{type}</c>: sets the policy of one process type and applies it at once.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="type">The process type.</param>
    /// <param name="policy">Min, max and the CPU target.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Every policy of the app after the change.</returns>
    /// <exception cref="PaasApiException">The API answered an error (422 when the scheduler cannot autoscale).</exception>
    public Task<AutoscaleInfo> SetAutoscaleAsync(string app, string type, AutoscalePolicyInfo policy, CancellationToken cancellationToken = default) =>
        SendAsync<AutoscaleInfo>(HttpMethod.Put, AppPath(app, "autoscale/" + Uri.EscapeDataString(type)), policy, cancellationToken);

    /// <summary><c>DELETE /v2/apps/{app}/autoscale/{type}</c>: stops autoscaling one process type (its formation count applies again; 404 when it had no policy).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="type">The process type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task RemoveAutoscaleAsync(string app, string type, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, AppPath(app, "autoscale/" + Uri.EscapeDataString(type)), null, cancellationToken);
}
