using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// The <c>/v2/apps/{app}/registry-logins</c> routes: an app's logins to registries other than the platform's own, which
/// its images are pulled with (<c>paas registry:login</c>; Deis Workflow's <c>registry:set</c>). Passwords are stored
/// encrypted and never answered. Reading needs view access to the app, changing needs deploy access.
/// </summary>
internal static class RegistryLoginsApi
{
    private const int MaxUsername = 256;
    private const int MaxPassword = 4096;

    public static IEndpointRouteBuilder MapRegistryLoginsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}/registry-logins").WithTags("Builds").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("The registries the app has a login for (never the passwords).");
        group.MapPut("/{registry}", SetAsync).WithSummary("Stores the app's login to a registry other than the platform's, used to pull its images.");
        group.MapDelete("/{registry}", RemoveAsync).WithSummary("Forgets the app's login to a registry.");
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<RegistryLoginInfo>>> ListAsync(string app, HttpContext context, AppAccess access, AppRegistryCredentialStore logins, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var stored = await logins.ListAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<RegistryLoginInfo>>([.. stored.Select(Info)]);
    }

    private static async Task<Ok<RegistryLoginInfo>> SetAsync(string app, string registry, RegistryLoginRequest request, HttpContext context, AppAccess access, AppRegistryCredentialStore logins, PlatformRegistry platformRegistry, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var host = Registry(registry, platformRegistry);
        var errors = new List<string>();
        if (string.IsNullOrEmpty(request.Username) || request.Username.Length > MaxUsername || request.Username.Any(char.IsControl))
        {
            errors.Add($"username: 1 to {MaxUsername} characters without control characters");
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > MaxPassword)
        {
            errors.Add($"password: 1 to {MaxPassword} characters");
        }

        if (errors.Count > 0)
        {
            throw Problems.Invalid(string.Join("; ", errors));
        }

        return TypedResults.Ok(Info(await logins.SetAsync(found.Id, host, request.Username, request.Password, user.Username, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<NoContent> RemoveAsync(string app, string registry, HttpContext context, AppAccess access, AppRegistryCredentialStore logins, PlatformRegistry platformRegistry, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var host = Registry(registry, platformRegistry);
        if (!await logins.RemoveAsync(found.Id, host, cancellationToken).ConfigureAwait(false))
        {
            throw Problems.NotFound($"{found.Name} has no login for {host}");
        }

        return TypedResults.NoContent();
    }

    /// <summary>The registry host, lower case; the platform's own registry (under any alias) is refused: apps reach it with the platform's credentials.</summary>
    private static string Registry(string registry, PlatformRegistry platformRegistry)
    {
        if (ImageReference.ValidateRegistry(registry) is { } error)
        {
            throw Problems.Invalid(error);
        }

        var host = registry.ToLowerInvariant();
        if (platformRegistry.Names(host))
        {
            throw Problems.Invalid($"{host} is the platform's own registry: an app's images there need no login (deploy access to the app is what counts)");
        }

        return host;
    }

    private static RegistryLoginInfo Info(StoredRegistryLogin login) => new(login.Registry, login.Username, login.UpdatedBy, login.UpdatedAt);
}
