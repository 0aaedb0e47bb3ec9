using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>The <c>/v2/auth</c> routes: register, login, whoami, token regeneration, password change.</summary>
internal static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/auth").WithTags("Auth");
        group.MapPost("/register", RegisterAsync).AllowAnonymous().WithSummary("Registers a user; the first becomes a platform admin.");
        group.MapPost("/login", LoginAsync).AllowAnonymous().WithSummary("Exchanges a username and password for a new API token.");
        group.MapGet("/whoami", (HttpContext context) => TypedResults.Ok(context.PaasUser().ToInfo())).RequireAuthorization().WithSummary("The signed-in user.");
        group.MapPost("/tokens", RegenerateAsync).RequireAuthorization().WithSummary("Issues a new token and revokes all of the user's other tokens.");
        group.MapPost("/passwd", ChangePasswordAsync).RequireAuthorization().WithSummary("Changes a password.");
        return endpoints;
    }

    private static async Task<Created<UserInfo>> RegisterAsync(RegisterRequest request, HttpContext context, UserStore users, PasswordHashing hashing, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var username = request.Username?.Trim().ToLowerInvariant();
        var errors = new[] { Username.Validate(username), Username.ValidatePassword(request.Password) }.OfType<string>().ToList();
        if (errors.Count > 0)
        {
            throw Problems.Invalid(string.Join("; ", errors));
        }

        await context.AuthenticateAsync(TokenAuthenticationHandler.SchemeName).ConfigureAwait(false);
        var caller = context.PaasUserOrNull();
        var mode = options.Value.RegistrationMode;
        if (caller is not { IsAdmin: true } && mode != "enabled" && await users.CountAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            throw Problems.Forbidden(mode == "disabled"
                ? "registration is disabled on this platform: ask an admin for an account"
                : "only admins may register new users on this platform: ask an admin to run 'paas register' for you");
        }

        var user = await users.CreateAsync(username!, request.Email, hashing.Hash(request.Password), isAdmin: false, firstBecomesAdmin: true, cancellationToken).ConfigureAwait(false)
            ?? throw Problems.Conflict($"the username '{username}' is taken");
        return TypedResults.Created("/v2/auth/whoami", user.ToInfo());
    }

    private static async Task<Ok<TokenResponse>> LoginAsync(LoginRequest request, UserStore users, PasswordHashing hashing, CancellationToken cancellationToken)
    {
        var username = request.Username?.Trim().ToLowerInvariant() ?? "";
        var user = Username.Validate(username) is null ? await users.FindAsync(username, cancellationToken).ConfigureAwait(false) : null;
        var check = hashing.Verify(user, request.Password ?? "");
        if (user is null || check == PasswordCheck.Wrong || !user.IsActive)
        {
            throw new UnauthorizedLoginException();
        }

        if (check == PasswordCheck.RightRehash)
        {
            await users.SetPasswordHashAsync(user.Id, hashing.Hash(request.Password!), cancellationToken).ConfigureAwait(false);
        }

        var token = ApiToken.New();
        await users.AddTokenAsync(user.Id, ApiToken.Hash(token), revokeOthers: false, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new TokenResponse(token, user.Username));
    }

    private static async Task<Ok<TokenResponse>> RegenerateAsync(HttpContext context, UserStore users, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var token = ApiToken.New();
        await users.AddTokenAsync(user.Id, ApiToken.Hash(token), revokeOthers: true, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new TokenResponse(token, user.Username));
    }

    private static async Task<NoContent> ChangePasswordAsync(PasswordChangeRequest request, HttpContext context, UserStore users, PasswordHashing hashing, CancellationToken cancellationToken)
    {
        var caller = context.PaasUser();
        if (Username.ValidatePassword(request.NewPassword) is { } error)
        {
            throw Problems.Invalid(error);
        }

        var target = caller;
        var name = request.Username?.Trim().ToLowerInvariant();
        if (!string.IsNullOrEmpty(name) && name != caller.Username)
        {
            if (!caller.IsAdmin)
            {
                throw Problems.Forbidden("only admins may change another user's password");
            }

            target = await users.FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw Problems.NotFound($"there is no user named '{name}'");
        }
        else if (hashing.Verify(caller, request.Password ?? "") == PasswordCheck.Wrong)
        {
            throw Problems.Forbidden("the current password is wrong");
        }

        await users.SetPasswordHashAsync(target.Id, hashing.Hash(request.NewPassword), cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
