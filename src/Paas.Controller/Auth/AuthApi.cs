using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
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
        group.MapPost("/login", LoginAsync).AllowAnonymous()
            .WithSummary("Exchanges a username and password for a new API token: the platform's own users first, then the directory (LDAP/AD) when configured. 401 for a wrong password or unknown user, 429 with Retry-After after repeated failures for the account or from the address, 503 when the directory cannot be reached.");
        group.MapGet("/whoami", WhoAmIAsync).RequireAuthorization().WithSummary("The signed-in user, with their teams.");
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

    private static async Task<Ok<UserInfo>> WhoAmIAsync(HttpContext context, TeamStore teams, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var mine = await teams.ListAsync(user.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(user.ToInfo([.. mine.Select(t => t.Team.Name)]));
    }

    /// <summary>
    /// A local account (it has a platform password) is checked here, and only here; any other login goes to the directory
    /// when one is configured, which also makes the account at first sign-in. Unknown users and wrong passwords get the
    /// same 401, whichever checked them. Failures are throttled per account and per address (<see cref="LoginThrottle"/>).
    /// </summary>
    private static async Task<Ok<TokenResponse>> LoginAsync(LoginRequest request, HttpContext context, UserStore users, PasswordHashing hashing, DirectoryAccounts directory,
        LoginThrottle throttle, ILogger<LoginThrottle> logger, CancellationToken cancellationToken)
    {
        var login = request.Username?.Trim() ?? "";
        var address = context.Connection.RemoteIpAddress;
        var wait = await throttle.RetryAfterAsync(login, address, cancellationToken).ConfigureAwait(false);
        if (wait > TimeSpan.Zero)
        {
            AuthLog.SignInThrottled(logger, login, address?.ToString() ?? "unknown", (int)Math.Ceiling(wait.TotalSeconds));
            throw new LoginThrottledException(wait);
        }

        try
        {
            var signedIn = await SignInAsync(login, request.Password ?? "", users, hashing, directory, cancellationToken).ConfigureAwait(false);
            await throttle.SucceededAsync(login, cancellationToken).ConfigureAwait(false);
            return signedIn;
        }
        catch (UnauthorizedLoginException)
        {
            await throttle.FailedAsync(login, address, CancellationToken.None).ConfigureAwait(false); // counted even when the client hangs up
            AuthLog.SignInFailed(logger, login, address?.ToString() ?? "unknown");
            throw;
        }
    }

    private static async Task<Ok<TokenResponse>> SignInAsync(string login, string password, UserStore users, PasswordHashing hashing, DirectoryAccounts directory, CancellationToken cancellationToken)
    {
        var username = login.ToLowerInvariant();
        var user = Username.Validate(username) is null ? await users.FindAsync(username, cancellationToken).ConfigureAwait(false) : null;
        if (user is { Source: UserSource.Local })
        {
            var check = hashing.Verify(user, password);
            if (check == PasswordCheck.Wrong || !user.IsActive)
            {
                throw new UnauthorizedLoginException();
            }

            if (check == PasswordCheck.RightRehash)
            {
                await users.SetPasswordHashAsync(user.Id, hashing.Hash(password), cancellationToken).ConfigureAwait(false);
            }
        }
        else if (directory.Enabled && login.Length > 0)
        {
            user = await directory.SignInAsync(login, password, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            hashing.Verify(null, password); // the same work as a wrong password, so timing does not tell unknown users apart
            throw new UnauthorizedLoginException();
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

        if (caller.Source == UserSource.Directory && string.IsNullOrEmpty(request.Username))
        {
            throw Problems.Invalid("your password is kept by the directory (LDAP/Active Directory): change it there");
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
            if (target.Source == UserSource.Directory)
            {
                throw Problems.Invalid($"{name}'s password is kept by the directory (LDAP/Active Directory): change it there");
            }
        }
        else if (hashing.Verify(caller, request.Password ?? "") == PasswordCheck.Wrong)
        {
            throw Problems.Forbidden("the current password is wrong");
        }

        await users.SetPasswordHashAsync(target.Id, hashing.Hash(request.NewPassword), cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}

/// <summary>Sign-in log lines: the login and the client's address, never the password.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Failed sign-in for '{Login}' from {Address}")]
    public static partial void SignInFailed(ILogger logger, string login, string address);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Sign-in for '{Login}' from {Address} throttled for {Seconds} s after repeated failures")]
    public static partial void SignInThrottled(ILogger logger, string login, string address, int seconds);
}
