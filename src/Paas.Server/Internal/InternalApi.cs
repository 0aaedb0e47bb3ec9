using System.Text.Json;
using Paas.Registry.Auth;
using Paas.Router.Feed;
using Paas.Scheduling.Logs;

namespace Paas.Server.Internal;

/// <summary>
/// The controller's internal contracts, on their own port (<c>PAAS_INTERNAL_PORT</c>, never the public API's) for the
/// parts that run in other processes: registry sign-in and permissions (the registry never reads the controller's
/// tables), the route stream (the router never polls the database) and app log lines (router and builder lines for
/// <c>paas logs</c>). Every request must carry the platform's service credential (<see cref="ServiceCredential"/>, HTTP
/// Basic), shared by every part through <c>PAAS_SERVICE_TOKEN_FILE</c>; anything else gets 401.
/// </summary>
internal static class InternalApi
{
    /// <summary>The path prefix of every internal route.</summary>
    public const string Prefix = "/internal/v1";

    /// <summary>Maps the internal routes.</summary>
    /// <param name="endpoints">The internal port's endpoints.</param>
    /// <returns><paramref name="endpoints"/>.</returns>
    public static IEndpointRouteBuilder MapInternalApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Prefix).AddEndpointFilter(async (context, next) =>
        {
            var service = context.HttpContext.RequestServices.GetRequiredService<ServiceCredential>();
            if (!service.IsBasicAuthorization(context.HttpContext.Request.Headers.Authorization.ToString()))
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                    detail: "The internal API answers only the platform's own parts: send the service credential (the same PAAS_SERVICE_TOKEN_FILE in every part).");
            }

            return await next(context).ConfigureAwait(false);
        });
        group.MapGet("/routes", StreamRoutesAsync);
        group.MapPost("/registry/authenticate", AuthenticateAsync);
        group.MapPost("/registry/authorize", AuthorizeAsync);
        group.MapPost("/logs", WriteLogs);
        group.MapGet("/apps", ListAppNamesAsync);
        return endpoints;
    }

    /// <summary><c>GET /internal/v1/apps</c>: the names of every app, a JSON array of strings (for a builder's sweep of destroyed apps' folders).</summary>
    private static async Task<IResult> ListAppNamesAsync(Paas.Data.AppStore apps, CancellationToken cancellationToken) =>
        Results.Json((await apps.ListAllAsync(cancellationToken).ConfigureAwait(false)).Select(a => a.Name).ToArray(), InternalJsonContext.Default.StringArray);

    private static async Task StreamRoutesAsync(HttpContext context, RouteChangeLog routes, string? origin, long? version)
    {
        context.Response.ContentType = "application/x-ndjson";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            await foreach (var change in routes.WatchAsync(origin ?? "", version ?? 0, context.RequestAborted).ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(context.Response.Body, change, RouteChangeJsonContext.Default.RouteChange, context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the router went away
        }
    }

    private static async Task<IResult> AuthenticateAsync(RegistryAuthenticateRequest request, IRegistryCredentialValidator validator, CancellationToken cancellationToken)
    {
        var principal = await validator.ValidateAsync(request.Username, request.Secret, cancellationToken).ConfigureAwait(false);
        return Results.Json(new RegistryAuthenticateResponse(principal?.Name), InternalJsonContext.Default.RegistryAuthenticateResponse);
    }

    private static async Task<IResult> AuthorizeAsync(RegistryAuthorizeRequest request, IRegistryAccessPolicy policy, CancellationToken cancellationToken)
    {
        RegistryAction? action = request.Action switch
        {
            "pull" => RegistryAction.Pull,
            "push" => RegistryAction.Push,
            "delete" => RegistryAction.Delete,
            _ => null,
        };
        if (action is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: $"'{request.Action}' is not pull, push or delete");
        }

        var allowed = await policy.IsAllowedAsync(new RegistryPrincipal(request.Principal), request.Repository, action.Value, cancellationToken).ConfigureAwait(false);
        return Results.Json(new RegistryAuthorizeResponse(allowed), InternalJsonContext.Default.RegistryAuthorizeResponse);
    }

    private static IResult WriteLogs(AppLogBatch batch, IAppLogStore logs)
    {
        foreach (var line in batch.Lines)
        {
            if (line.Source is "paas[router]" or "paas[builder]")
            {
                logs.Write(line.App, line.Source, line.Line);
            }
        }

        return Results.NoContent();
    }
}
