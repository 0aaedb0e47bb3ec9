using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Registry.Auth;
using Paas.Registry.Storage;
using Paas.Registry.Uploads;

namespace Paas.Registry.Api;

/// <summary>
/// Serves <c>/v2/...</c>: parses the route, authenticates and authorizes, then runs the endpoint.
/// The endpoints live in the other parts of this class (blobs, uploads, manifests, listings, token).
/// </summary>
internal sealed partial class RegistryApiHandler(
    IRegistryStorageDriver storage,
    UploadSessions uploads,
    RegistryAuthenticator auth,
    RegistryTokenService tokens,
    IOptions<RegistryOptions> options,
    ILogger<RegistryApiHandler> logger)
{
    private readonly RegistryOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        var path = request.Path.Value ?? "";
        var rest = path.Length >= 3 ? path[3..] : "";
        var route = RegistryRoute.Parse(rest);
        try
        {
            await DispatchAsync(context, route).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested || ex is BadHttpRequestException or ConnectionResetException or OperationCanceledException)
        {
            RegistryLog.ClientAborted(logger, request.Method, path);
            if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.BlobUploadInvalid, "The request body could not be read.").ConfigureAwait(false);
            }
        }
        catch (Auth.RegistryAuthUnavailableException ex)
        {
            RegistryLog.RequestFailed(logger, ex, request.Method, path);
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.RetryAfter = "5";
                await ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, RegistryErrorCodes.Unavailable, ex.Message).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            RegistryLog.RequestFailed(logger, ex, request.Method, path);
            if (!context.Response.HasStarted)
            {
                await ErrorAsync(context, StatusCodes.Status500InternalServerError, RegistryErrorCodes.Unknown, "Internal registry error.").ConfigureAwait(false);
            }
        }
    }

    private Task DispatchAsync(HttpContext context, RegistryRoute route)
    {
        var method = context.Request.Method;
        switch (route.Kind)
        {
            case RegistryRouteKind.Base:
                return VersionCheckAsync(context);
            case RegistryRouteKind.Token:
                return HttpMethods.IsGet(method) || HttpMethods.IsPost(method) ? TokenAsync(context) : MethodNotAllowedAsync(context);
            case RegistryRouteKind.Catalog:
                return HttpMethods.IsGet(method) ? CatalogAsync(context) : MethodNotAllowedAsync(context);
            case RegistryRouteKind.NotFound:
                return ErrorAsync(context, StatusCodes.Status404NotFound, RegistryErrorCodes.Unsupported, "No such registry endpoint.");
        }

        if (!RepositoryName.IsValid(route.Name))
        {
            return ErrorAsync(context, StatusCodes.Status400BadRequest, RegistryErrorCodes.NameInvalid, $"'{route.Name}' is not a valid repository name (OCI distribution spec, name grammar).");
        }

        return route.Kind switch
        {
            RegistryRouteKind.Blob when HttpMethods.IsGet(method) || HttpMethods.IsHead(method) => GetBlobAsync(context, route.Name, route.Argument),
            RegistryRouteKind.Blob when HttpMethods.IsDelete(method) => DeleteBlobAsync(context, route.Name, route.Argument),
            RegistryRouteKind.UploadStart when HttpMethods.IsPost(method) => StartUploadAsync(context, route.Name),
            RegistryRouteKind.Upload when HttpMethods.IsGet(method) => UploadStatusAsync(context, route.Name, route.Argument),
            RegistryRouteKind.Upload when HttpMethods.IsPatch(method) => PatchUploadAsync(context, route.Name, route.Argument),
            RegistryRouteKind.Upload when HttpMethods.IsPut(method) => PutUploadAsync(context, route.Name, route.Argument),
            RegistryRouteKind.Upload when HttpMethods.IsDelete(method) => CancelUploadAsync(context, route.Name, route.Argument),
            RegistryRouteKind.Manifest when HttpMethods.IsGet(method) || HttpMethods.IsHead(method) => GetManifestAsync(context, route.Name, route.Argument),
            RegistryRouteKind.Manifest when HttpMethods.IsPut(method) => PutManifestAsync(context, route.Name, route.Argument),
            RegistryRouteKind.Manifest when HttpMethods.IsDelete(method) => DeleteManifestAsync(context, route.Name, route.Argument),
            RegistryRouteKind.Tags when HttpMethods.IsGet(method) => TagsAsync(context, route.Name),
            RegistryRouteKind.Referrers when HttpMethods.IsGet(method) => ReferrersAsync(context, route.Name, route.Argument),
            _ => MethodNotAllowedAsync(context),
        };
    }

    private async Task VersionCheckAsync(HttpContext context)
    {
        if (await auth.AuthenticateAsync(context).ConfigureAwait(false) is null)
        {
            await ChallengeAsync(context, scope: null, error: null).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = 2;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.WriteAsync("{}", context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Authenticates and authorizes; on refusal writes 401 or 403 and returns null.</summary>
    private async Task<RequestIdentity?> AuthorizeAsync(HttpContext context, string repository, RegistryAction action)
    {
        var actions = action == RegistryAction.Push ? "pull,push" : RegistryAuthenticator.ActionName(action);
        var scope = $"repository:{repository}:{actions}";
        var identity = await auth.AuthenticateAsync(context).ConfigureAwait(false);
        if (identity is null)
        {
            await ChallengeAsync(context, scope, error: null).ConfigureAwait(false);
            return null;
        }

        switch (await auth.AuthorizeAsync(identity, repository, action, context.RequestAborted).ConfigureAwait(false))
        {
            case AccessDecision.Allowed:
                return identity;
            case AccessDecision.InsufficientScope:
                await ChallengeAsync(context, scope, error: "insufficient_scope").ConfigureAwait(false);
                return null;
            default:
                RegistryLog.Denied(logger, identity.Principal.Name, RegistryAuthenticator.ActionName(action), repository);
                await ErrorAsync(context, StatusCodes.Status403Forbidden, RegistryErrorCodes.Denied, $"'{identity.Principal.Name}' may not {RegistryAuthenticator.ActionName(action)} '{repository}'.").ConfigureAwait(false);
                return null;
        }
    }

    private Task ChallengeAsync(HttpContext context, string? scope, string? error)
    {
        var realm = _options.TokenRealm ?? $"{context.Request.Scheme}://{context.Request.Host}/v2/token";
        var challenge = $"Bearer realm=\"{realm}\",service=\"{_options.Service}\"";
        if (scope is not null)
        {
            challenge += $",scope=\"{scope}\"";
        }

        if (error is not null)
        {
            challenge += $",error=\"{error}\"";
        }

        context.Response.Headers.WWWAuthenticate = challenge;
        return ErrorAsync(context, StatusCodes.Status401Unauthorized, RegistryErrorCodes.Unauthorized, "Authentication required: use your platform username and API token.");
    }

    private static Task MethodNotAllowedAsync(HttpContext context) =>
        ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, RegistryErrorCodes.Unsupported, $"{context.Request.Method} is not supported here.");

    internal static Task ErrorAsync(HttpContext context, int status, string code, string message, string? detail = null)
    {
        context.Response.StatusCode = status;
        var body = new ErrorBody([new ErrorEntry(code, message, detail)]);
        return context.Response.WriteAsJsonAsync(body, RegistryJsonContext.Default.ErrorBody, contentType: "application/json", context.RequestAborted);
    }

    private static void AllowUnlimitedBody(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = null;
        }
    }
}
