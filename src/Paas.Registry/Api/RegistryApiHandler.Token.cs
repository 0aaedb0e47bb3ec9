using Microsoft.AspNetCore.Http;
using Paas.Registry.Auth;

namespace Paas.Registry.Api;

/// <summary>
/// The token endpoint of the Docker token flow (Docker "Token Authentication Specification"):
/// <c>GET /v2/token?service=...&amp;scope=repository:app:pull,push</c> with Basic credentials returns a
/// short-lived bearer token granting the requested actions the access policy allows.
/// </summary>
internal sealed partial class RegistryApiHandler
{
    private async Task TokenAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        RegistryPrincipal? principal = null;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            principal = await auth.ValidateBasicAsync(header[6..].Trim(), ct).ConfigureAwait(false);
        }

        IEnumerable<string> scopeValues = context.Request.Query["scope"].OfType<string>();
        if (principal is null && HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            // OAuth2 password grant, as docker sends it when asked to.
            var form = await context.Request.ReadFormAsync(ct).ConfigureAwait(false);
            if (form["grant_type"] == "password")
            {
                principal = await auth.ValidateBasicAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{form["username"]}:{form["password"]}")), ct).ConfigureAwait(false);
            }

            scopeValues = scopeValues.Concat(form["scope"].OfType<string>());
        }

        if (principal is null)
        {
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{_options.Service}\"";
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, RegistryErrorCodes.Unauthorized, "Log in with your platform username and API token.").ConfigureAwait(false);
            return;
        }

        var granted = new List<TokenAccess>();
        foreach (var scope in scopeValues.SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            var first = scope.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first <= 0 || last <= first)
            {
                continue;
            }

            var type = scope[..first];
            var name = scope[(first + 1)..last];
            var requested = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (type == "registry" && name == "catalog")
            {
                granted.Add(new TokenAccess(type, name, ["*"]));
                continue;
            }

            if (!type.StartsWith("repository", StringComparison.Ordinal) || !RepositoryName.IsValid(name))
            {
                continue;
            }

            var actions = new List<string>();
            foreach (var action in requested.SelectMany(a => a == "*" ? ["pull", "push", "delete"] : new[] { a }).Distinct())
            {
                RegistryAction? parsed = action switch
                {
                    "pull" => RegistryAction.Pull,
                    "push" => RegistryAction.Push,
                    "delete" => RegistryAction.Delete,
                    _ => null,
                };
                if (parsed is { } a && await auth.IsAllowedFreshAsync(principal, name, a, ct).ConfigureAwait(false))
                {
                    actions.Add(action);
                }
            }

            granted.Add(new TokenAccess("repository", name, actions));
        }

        var (token, expiresIn, issuedAt) = tokens.Issue(principal, granted);
        RegistryLog.TokenIssued(logger, principal.Name, string.Join(' ', granted.Select(g => $"{g.Type}:{g.Name}:{string.Join(',', g.Actions)}")));
        context.Response.Headers.CacheControl = "no-store";
        var body = new TokenResponse(token, token, expiresIn, issuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        await context.Response.WriteAsJsonAsync(body, RegistryJsonContext.Default.TokenResponse, "application/json", ct).ConfigureAwait(false);
    }
}
