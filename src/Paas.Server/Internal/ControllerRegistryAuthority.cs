using System.Net;
using Paas.Registry.Auth;

namespace Paas.Server.Internal;

/// <summary>
/// Registry sign-in and permissions asked of the controller over its internal contracts, for a registry in its own
/// process (<c>paasd --role registry</c>): the same decisions as <see cref="PlatformRegistryCredentials"/> and
/// <see cref="PlatformRegistryAccessPolicy"/> make in one process, which the controller runs to answer. The registry's
/// own cache (a few seconds) spares most round trips. A controller that cannot be reached, or that refuses the service
/// credential, makes the registry answer 503 (<see cref="RegistryAuthUnavailableException"/>), never a misleading 401.
/// </summary>
internal sealed class ControllerRegistryAuthority(HttpClient http, Uri controllerInternalUrl, ServiceCredential service) : IRegistryCredentialValidator, IRegistryAccessPolicy
{
    public async ValueTask<RegistryPrincipal?> ValidateAsync(string username, string secret, CancellationToken cancellationToken = default)
    {
        var answer = await PostAsync("registry/authenticate", new RegistryAuthenticateRequest(username, secret), InternalJsonContext.Default.RegistryAuthenticateRequest,
            InternalJsonContext.Default.RegistryAuthenticateResponse, cancellationToken).ConfigureAwait(false);
        return answer.Principal is { } name ? new RegistryPrincipal(name) : null;
    }

    public async ValueTask<bool> IsAllowedAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken = default)
    {
        var name = action switch
        {
            RegistryAction.Pull => "pull",
            RegistryAction.Push => "push",
            _ => "delete",
        };
        var answer = await PostAsync("registry/authorize", new RegistryAuthorizeRequest(principal.Name, repository, name), InternalJsonContext.Default.RegistryAuthorizeRequest,
            InternalJsonContext.Default.RegistryAuthorizeResponse, cancellationToken).ConfigureAwait(false);
        return answer.Allowed;
    }

    private async Task<TResponse> PostAsync<TRequest, TResponse>(
        string path,
        TRequest body,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TRequest> requestType,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(controllerInternalUrl, $"{InternalApi.Prefix}/{path}"))
        {
            Content = JsonContent.Create(body, requestType),
        };
        request.Headers.Authorization = service.BasicAuthorization();
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new RegistryAuthUnavailableException($"The registry cannot check credentials: the controller at {controllerInternalUrl} does not answer ({e.Message}). Try again shortly.", e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new RegistryAuthUnavailableException("The controller refused the registry's service credential: every part of the platform needs the same PAAS_SERVICE_TOKEN_FILE.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new RegistryAuthUnavailableException($"The controller answered {(int)response.StatusCode} when the registry checked credentials. Try again shortly.");
            }

            return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false)
                ?? throw new RegistryAuthUnavailableException("The controller answered the registry with an empty body.");
        }
    }
}
