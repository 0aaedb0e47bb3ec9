using Paas.Builder;

namespace Paas.Server.Internal;

/// <summary>Which apps exist, asked of the controller's internal API (<c>GET /internal/v1/apps</c>) with the service credential: a separate builder's <see cref="IExistingApps"/>.</summary>
internal sealed class InternalExistingApps(HttpClient http, Uri internalUrl, ServiceCredential service) : IExistingApps
{
    public async Task<IReadOnlySet<string>> ListAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(internalUrl, InternalApi.Prefix + "/apps"));
        request.Headers.Authorization = service.BasicAuthorization();
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var names = await response.Content.ReadFromJsonAsync(InternalJsonContext.Default.StringArray, cancellationToken).ConfigureAwait(false);
        return new HashSet<string>(names ?? throw new HttpRequestException("the controller answered no app list"), StringComparer.Ordinal);
    }
}
