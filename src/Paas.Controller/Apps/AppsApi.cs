using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>The <c>/v2/apps</c> routes: list, create, info, destroy, transfer.</summary>
internal static class AppsApi
{
    private const int NameAttempts = 20;

    public static IEndpointRouteBuilder MapAppsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps").WithTags("Apps").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("Lists the apps the user owns or that are shared with the user (all apps for admins).");
        group.MapPost("/", CreateAsync).WithSummary("Creates an app (with release v1); a readable random name when none is given.");
        group.MapGet("/{app}", InfoAsync).WithSummary("An app's details, with its current release's limits and health checks and its autoscaling policies when it has any.");
        group.MapDelete("/{app}", DestroyAsync).WithSummary("Destroys an app: stops its processes and deletes its releases, builds and config.");
        group.MapPost("/{app}/transfer", TransferAsync).WithSummary("Gives the app to another user.");
        group.MapPost("/{app}", TransferAsync).WithSummary("Deis Workflow's form of transfer: {\"owner\": \"bob\"}.").ExcludeFromDescription();
        return endpoints;
    }

    internal static async Task<AppInfo> InfoOfAsync(App app, LedgerStore ledger, FormationStore formations, PaasOptions options, CancellationToken cancellationToken)
    {
        var current = await ledger.CurrentAsync(app.Id, cancellationToken).ConfigureAwait(false);
        var formation = await formations.GetAsync(app.Id, cancellationToken).ConfigureAwait(false);
        var structure = current?.Build is { } build ? Formation.ForBuild(formation, build.ProcessTypes) : formation;
        return app.ToInfo(options, current?.Version ?? 0, structure) with
        {
            Limits = current is { Limits.Count: > 0 } ? current.Limits.ToInfo() : null,
            Healthchecks = current is { HealthChecks.Count: > 0 } ? current.HealthChecks.ToInfo() : null,
        };
    }

    private static async Task<Ok<PagedList<AppInfo>>> ListAsync(int? limit, int? offset, HttpContext context, AppStore apps, LedgerStore ledger, FormationStore formations, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var paging = Paging.From(limit, offset);
        var (count, page) = await apps.ListAsync(context.PaasUser(), paging.Limit, paging.Offset, cancellationToken).ConfigureAwait(false);
        var infos = new List<AppInfo>(page.Count);
        foreach (var app in page)
        {
            infos.Add(await InfoOfAsync(app, ledger, formations, options.Value, cancellationToken).ConfigureAwait(false));
        }

        return TypedResults.Ok(paging.Page(context.Request, count, infos));
    }

    private static async Task<Created<AppInfo>> CreateAsync(AppCreateRequest? request, HttpContext context, AppStore apps, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        App? app;
        if (!string.IsNullOrWhiteSpace(request?.Name))
        {
            var name = request.Name.Trim();
            AppName.EnsureValid(name);
            app = await apps.CreateAsync(name, user, cancellationToken).ConfigureAwait(false)
                ?? throw Problems.Conflict($"the name '{name}' is taken: choose another, or omit it for a random one");
        }
        else
        {
            var generator = new AppNameGenerator();
            app = null;
            for (var i = 0; i < NameAttempts && app is null; i++)
            {
                app = await apps.CreateAsync(generator.Next(), user, cancellationToken).ConfigureAwait(false);
            }

            if (app is null)
            {
                throw Problems.Conflict("could not find a free random name; give the app a name");
            }
        }

        var info = app.ToInfo(options.Value, 1, new Dictionary<string, int>());
        return TypedResults.Created($"/v2/apps/{app.Name}", info);
    }

    private static async Task<Ok<AppInfo>> InfoAsync(string app, HttpContext context, AppAccess access, LedgerStore ledger, FormationStore formations, AutoscaleStore autoscale, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var info = await InfoOfAsync(found, ledger, formations, options.Value, cancellationToken).ConfigureAwait(false);
        var policies = await autoscale.GetAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(policies.Count == 0 ? info : info with { Autoscale = policies.ToInfo() });
    }

    private static async Task<NoContent> DestroyAsync(string app, HttpContext context, AppAccess access, AppStore apps, ReleaseService releases, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Admin, cancellationToken).ConfigureAwait(false);
        await releases.DestroyAsync(found, apps, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<AppInfo>> TransferAsync(string app, AppTransferRequest request, HttpContext context, AppAccess access, AppStore apps, UserStore users, LedgerStore ledger, FormationStore formations, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Admin, cancellationToken).ConfigureAwait(false);
        var name = request.Owner?.Trim().ToLowerInvariant();
        var owner = string.IsNullOrEmpty(name) ? null : await users.FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (owner is null)
        {
            throw Problems.Invalid($"there is no user named '{request.Owner}' to transfer {app} to");
        }

        await apps.TransferAsync(found.Id, owner.Id, cancellationToken).ConfigureAwait(false);
        var moved = await apps.FindAsync(app, cancellationToken).ConfigureAwait(false) ?? throw Problems.NotFound($"{app} was destroyed meanwhile");
        return TypedResults.Ok(await InfoOfAsync(moved, ledger, formations, options.Value, cancellationToken).ConfigureAwait(false));
    }
}
