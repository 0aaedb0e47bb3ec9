using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>The <c>/v2/apps/{app}/builds</c> routes: list builds; deploy an existing image (what <c>paas pull</c> and the builder use).</summary>
internal static class BuildsApi
{
    public static IEndpointRouteBuilder MapBuildsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}/builds").WithTags("Builds").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("The app's builds, newest first.");
        group.MapPost("/", CreateAsync).WithSummary("Records a build of an existing image and deploys it as a new release.");
        return endpoints;
    }

    private static async Task<Ok<PagedList<BuildInfo>>> ListAsync(string app, int? limit, int? offset, HttpContext context, AppAccess access, LedgerStore ledger, CancellationToken cancellationToken)
    {
        var paging = Paging.From(limit, offset);
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var (count, page) = await ledger.ListBuildsAsync(found.Id, paging.Limit, paging.Offset, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(paging.Page(context.Request, count, [.. page.Select(b => b.ToInfo(found.Name))]));
    }

    private static async Task<Created<BuildInfo>> CreateAsync(string app, BuildCreateRequest request, HttpContext context, AppAccess access, ReleaseService releases, PlatformRegistry registry, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var image = request.Image?.Trim();
        var errors = new List<string>();
        if (ImageReference.Validate(image) is { } imageError)
        {
            errors.Add(imageError);
        }

        if (request.Sha is { Length: > 0 } sha && (sha.Length is < 7 or > 64 || !sha.All(Uri.IsHexDigit)))
        {
            errors.Add($"'{sha}' is not a git commit id (7 to 64 hex characters)");
        }

        if (errors.Count > 0)
        {
            throw Problems.Invalid(string.Join("; ", errors));
        }

        image = await AuthorizeImageAsync(image!, user, access, registry, cancellationToken).ConfigureAwait(false);

        IReadOnlyDictionary<string, string> types = request.ProcessTypes is { Count: > 0 } given
            ? new SortedDictionary<string, string>(given.ToDictionary(), StringComparer.Ordinal)
            : new Dictionary<string, string> { [ProcessTypes.Web] = "" };
        if (request.ProcessTypes is { Count: > 0 })
        {
            ProcessTypes.EnsureValid(types);
        }

        var build = new Build(Ids.New(), found.Id, image!, string.IsNullOrEmpty(request.Sha) ? null : request.Sha.ToLowerInvariant(), types, user.Username, DateTimeOffset.UtcNow);
        var release = await releases.DeployBuildAsync(found, user, build, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v2/apps/{found.Name}/builds/{build.Id}", build.ToInfo(found.Name) with { Release = release.Version });
    }

    /// <summary>
    /// Applies <see cref="PlatformRegistry"/>'s rule: an image in the platform's registry, under whatever alias of its host,
    /// may be deployed only by a user who may pull its repository; it is then recorded under the registry's own address.
    /// The refusal is the same whether the repository's app exists or not, and names no one.
    /// </summary>
    private static async Task<string> AuthorizeImageAsync(string image, User user, AppAccess access, PlatformRegistry registry, CancellationToken cancellationToken)
    {
        if (!ImageReference.TrySplit(image, out var host, out var repository, out var reference) || !registry.Names(host))
        {
            return image;
        }

        var app = await access.FindAsync(RepositoryAccess.AppOf(repository), cancellationToken).ConfigureAwait(false);
        if (app is null || await access.RoleOfAsync(app, user, cancellationToken).ConfigureAwait(false) is not { } role || role < RepositoryAccess.Pull)
        {
            throw Problems.NotFound($"{image}: the platform's registry has no repository '{repository}' that you may pull; push the image to your app's own repository ({registry.Authority}/APP) or ask for access to its app");
        }

        return $"{registry.Authority}/{repository}{(reference.StartsWith("sha", StringComparison.Ordinal) && reference.Contains(':', StringComparison.Ordinal) ? "@" : ":")}{reference}";
    }
}
