using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Paas.Registry.Auth;

/// <summary>
/// Reads <c>Authorization: Basic</c> or <c>Bearer</c> and decides repository access. Basic sign-ins and allowed
/// accesses are remembered for a few seconds (<see cref="RegistryAuthCache"/>); the token endpoint always asks the
/// validator and the policy afresh (<see cref="ValidateBasicAsync"/>, <see cref="IsAllowedFreshAsync"/>).
/// </summary>
internal sealed class RegistryAuthenticator(IRegistryCredentialValidator validator, IRegistryAccessPolicy policy, RegistryTokenService tokens, RegistryAuthCache cache)
{
    public async ValueTask<RequestIdentity?> AuthenticateAsync(HttpContext context)
    {
        if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization.ToString(), out var header) || header.Parameter is null)
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            var claims = tokens.Verify(header.Parameter);
            return claims is null ? null : new RequestIdentity(new RegistryPrincipal(claims.Subject), claims.Access);
        }

        if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            var principal = cache.FindPrincipal(header.Parameter);
            if (principal is null)
            {
                principal = await ValidateBasicAsync(header.Parameter, context.RequestAborted).ConfigureAwait(false);
                if (principal is not null)
                {
                    cache.RememberPrincipal(header.Parameter, principal);
                }
            }

            return principal is null ? null : new RequestIdentity(principal, null);
        }

        return null;
    }

    /// <summary>Checks Basic credentials with the validator (never the cache); null when they are not valid.</summary>
    public async ValueTask<RegistryPrincipal?> ValidateBasicAsync(string parameter, CancellationToken cancellationToken)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        return await validator.ValidateAsync(decoded[..colon], decoded[(colon + 1)..], cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<AccessDecision> AuthorizeAsync(RequestIdentity identity, string repository, RegistryAction action, CancellationToken cancellationToken)
    {
        if (identity.TokenAccess is { } access && access.Any(a => a.Grants("repository", repository, ActionName(action))))
        {
            return AccessDecision.Allowed;
        }

        var allowed = await IsAllowedAsync(identity.Principal, repository, action, cancellationToken).ConfigureAwait(false);
        if (!allowed)
        {
            return AccessDecision.Denied;
        }

        return identity.TokenAccess is null ? AccessDecision.Allowed : AccessDecision.InsufficientScope;
    }

    /// <summary>The policy's decision, or a success it gave less than <see cref="RegistryOptions.AuthCacheLifetime"/> ago.</summary>
    public async ValueTask<bool> IsAllowedAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken)
    {
        if (cache.IsAllowed(principal, repository, action))
        {
            return true;
        }

        var allowed = await policy.IsAllowedAsync(principal, repository, action, cancellationToken).ConfigureAwait(false);
        if (allowed)
        {
            cache.RememberAllowed(principal, repository, action);
        }

        return allowed;
    }

    /// <summary>The policy's decision now, bypassing the cache (what a bearer token grants must be current).</summary>
    public ValueTask<bool> IsAllowedFreshAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken) =>
        policy.IsAllowedAsync(principal, repository, action, cancellationToken);

    public static string ActionName(RegistryAction action) => action switch
    {
        RegistryAction.Pull => "pull",
        RegistryAction.Push => "push",
        _ => "delete",
    };
}
