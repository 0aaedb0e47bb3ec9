using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Domain;
using Paas.Ldap;

namespace Paas.Controller;

/// <summary>
/// Authenticates <c>Authorization: token &lt;t&gt;</c> (Deis) and <c>Authorization: Bearer &lt;t&gt;</c> (RFC 6750) against the
/// stored token hashes through <see cref="TokenUsers"/> (which refreshes directory users when due). Challenges answer 401 problem details; forbids answer 403; a directory that has been down past the outage grace answers 503.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenUsers users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PaasToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space > 0 ? header[..space] : header;
        if (!scheme.Equals("token", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = space > 0 ? header[(space + 1)..].Trim() : "";
        if (token.Length == 0)
        {
            return AuthenticateResult.Fail("empty token");
        }

        User? user;
        try
        {
            user = await users.FindAsync(token, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (DirectoryUnavailableException e)
        {
            Context.Items[typeof(DirectoryUnavailableException)] = e;
            return AuthenticateResult.Fail("the directory cannot be reached");
        }

        if (user is null)
        {
            return AuthenticateResult.Fail("unknown or revoked token, or disabled user");
        }

        Context.Items[typeof(User)] = user;
        Claim[] claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.Username),
            .. user.IsAdmin ? [new Claim(ClaimTypes.Role, "admin")] : Array.Empty<Claim>(),
        ];
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[typeof(DirectoryUnavailableException)] is DirectoryUnavailableException down)
        {
            return Problems.Write(Context, StatusCodes.Status503ServiceUnavailable, Problems.DirectoryDown(down));
        }

        Response.Headers.WWWAuthenticate = "Token realm=\"paas\", Bearer realm=\"paas\"";
        var detail = Request.Headers.Authorization.Count == 0
            ? "this needs a signed-in user: run 'paas login' (or send Authorization: token <api token>)"
            : "your API token is not valid (it may have been regenerated or revoked, or your account disabled): run 'paas login' again";
        return Problems.Write(Context, StatusCodes.Status401Unauthorized, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, StatusCodes.Status403Forbidden, "you are not allowed to do this");
}
