using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Paas.Client;

namespace Paas.Builder;

/// <summary>
/// Checks a git request: HTTP Basic with the username and the user's API token (what <c>paas</c> answers as git
/// credential helper), verified through the controller API only: <c>GET /v2/auth/whoami</c> (the token's user must be the
/// Basic username) and <c>GET /v2/apps/{app}/access</c> (push needs <c>deploy</c> or <c>admin</c>, clone any role).
/// </summary>
internal sealed class GitAuthenticator(ControllerApi controller)
{
    /// <summary>Decides whether the request may read (<paramref name="write"/> false) or push to <paramref name="app"/>.</summary>
    public async Task<GitAccess> CheckAsync(HttpRequest request, string app, bool write, CancellationToken cancellationToken)
    {
        if (!TryReadBasic(request, out var username, out var token))
        {
            return new GitAccess(401, "sign in with your username and API token (paas login sets up git's credentials)");
        }

        var client = controller.For(token);
        try
        {
            var me = await client.WhoAmIAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(me.Username, username, StringComparison.OrdinalIgnoreCase))
            {
                return new GitAccess(401, $"the token does not belong to '{username}'");
            }

            var access = await client.GetAccessAsync(app, cancellationToken).ConfigureAwait(false);
            if (write && access.Role is not ("admin" or "deploy"))
            {
                return new GitAccess(403, $"'{me.Username}' may only view {app} (role {access.Role}); pushing needs the deploy or admin role");
            }

            var info = await client.GetAppAsync(app, cancellationToken).ConfigureAwait(false);
            return new GitAccess(200, null, me.Username, token, info.CreatedAt);
        }
        catch (PaasApiException e) when (e.StatusCode == HttpStatusCode.Unauthorized)
        {
            return new GitAccess(401, "the username or API token is not valid (paas login)");
        }
        catch (PaasApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            return new GitAccess(403, $"'{username}' has no access to {app}");
        }
        catch (PaasApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return new GitAccess(404, $"there is no app named '{app}' that you can access"); // the API's one answer for missing and not shared
        }
        catch (PaasApiException e)
        {
            return new GitAccess(503, "the controller refused: " + e.Message);
        }
        catch (PaasConnectionException e)
        {
            return new GitAccess(503, "the controller cannot be reached: " + e.Message);
        }
    }

    private static bool TryReadBasic(HttpRequest request, out string username, out string token)
    {
        username = token = "";
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1)
        {
            return false;
        }

        username = decoded[..colon];
        token = decoded[(colon + 1)..];
        return true;
    }
}
