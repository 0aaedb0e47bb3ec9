using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Paas.Builder;

/// <summary>
/// Git smart HTTP (git's <c>gitprotocol-http</c>) at <c>/{app}.git</c>, served by the real <c>git upload-pack</c> /
/// <c>git receive-pack --stateless-rpc</c>: <c>GET info/refs?service=...</c>, <c>POST git-upload-pack</c> (clone, fetch),
/// <c>POST git-receive-pack</c> (push; the build runs inside it through the <see cref="PreReceiveHook"/>).
/// </summary>
internal static class GitHttpApi
{
    private const string UploadPack = "git-upload-pack";
    private const string ReceivePack = "git-receive-pack";

    /// <summary>Maps the git routes.</summary>
    public static IEndpointRouteBuilder MapGitHttpApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/{app}.git/info/refs", AdvertiseAsync).ExcludeFromDescription();
        endpoints.MapPost("/{app}.git/" + UploadPack, (string app, HttpContext context) => ServeAsync(app, UploadPack, context)).ExcludeFromDescription();
        endpoints.MapPost("/{app}.git/" + ReceivePack, (string app, HttpContext context) => ServeAsync(app, ReceivePack, context)).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task AdvertiseAsync(string app, HttpContext context)
    {
        var service = context.Request.Query["service"].ToString();
        if (service is not (UploadPack or ReceivePack))
        {
            await RefuseAsync(context, 403, "only git's smart HTTP protocol is served (git 1.6.6 or later)").ConfigureAwait(false);
            return;
        }

        var repository = await AuthorizeAsync(app, service, context).ConfigureAwait(false);
        if (repository is null)
        {
            return;
        }

        context.Response.ContentType = $"application/x-{service}-advertisement";
        context.Response.Headers.CacheControl = "no-cache, max-age=0, must-revalidate";
        var body = context.Response.Body;
        var header = $"# service={service}\n";
        await body.WriteAsync(Encoding.ASCII.GetBytes($"{header.Length + 4:x4}{header}0000"), context.RequestAborted).ConfigureAwait(false);
        await RunGitAsync(context, app, service, [service[4..], "--stateless-rpc", "--advertise-refs", repository], null, null).ConfigureAwait(false);
    }

    private static async Task ServeAsync(string app, string service, HttpContext context)
    {
        var repository = await AuthorizeAsync(app, service, context).ConfigureAwait(false);
        if (repository is null)
        {
            return;
        }

        var services = context.RequestServices;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // a push streams into git; its size is git's business
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = $"application/x-{service}-result";
        context.Response.Headers.CacheControl = "no-cache, max-age=0, must-revalidate";
        Stream input = context.Request.Body;
        if (context.Request.Headers.ContentEncoding.ToString() is "gzip" or "x-gzip")
        {
            input = new GZipStream(input, CompressionMode.Decompress);
        }

        if (service == UploadPack)
        {
            await RunGitAsync(context, app, service, ["upload-pack", "--stateless-rpc", repository], input, null).ConfigureAwait(false);
            return;
        }

        var pushes = services.GetRequiredService<PushRegistry>();
        var paths = services.GetRequiredService<BuilderPaths>();
        var controller = services.GetRequiredService<ControllerApi>();
        var id = PushRegistry.NewId();
        var push = new PendingPush(id, app, context.Items[UserKey] as string ?? "", context.Items[TokenKey] as string ?? "", repository, paths.Push(id));
        AppFiles.CreateFolder(push.Directory, AppFiles.TraversableFolder); // its folders are private: see BuildUsers
        pushes.Add(push);
        try
        {
            var callback = new Uri(controller.LocalUrl, "/v2/builder/pushes/" + id).AbsoluteUri;
            var environment = new Dictionary<string, string> { ["PAAS_PUSH_URL"] = callback, ["PAAS_PUSH_DIR"] = push.Directory };
            BuilderLog.PushStarted(Logger(context), app, push.Username, id);
            // A push larger than MaxPushBytes is refused by git itself, which tells the pusher "pack exceeds maximum allowed size".
            var maxInput = services.GetRequiredService<IOptions<BuilderOptions>>().Value.MaxPushBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await RunGitAsync(context, app, service, ["-c", "receive.maxInputSize=" + maxInput, "receive-pack", "--stateless-rpc", repository], input, environment).ConfigureAwait(false);
        }
        finally
        {
            pushes.Remove(push);
            TryDelete(push.Directory);
        }

    }

    private const string UserKey = "paas.git.user";
    private const string TokenKey = "paas.git.token";

    private static async Task<string?> AuthorizeAsync(string app, string service, HttpContext context)
    {
        var access = await context.RequestServices.GetRequiredService<GitAuthenticator>()
            .CheckAsync(context.Request, app, service == ReceivePack, context.RequestAborted).ConfigureAwait(false);
        if (!access.Allowed)
        {
            BuilderLog.GitRefused(Logger(context), service, app, access.Status);
            if (access.Status == 401)
            {
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"paas\"";
            }

            await RefuseAsync(context, access.Status, access.Message ?? "refused").ConfigureAwait(false);
            return null;
        }

        context.Items[UserKey] = access.Username;
        context.Items[TokenKey] = access.Token;
        return await context.RequestServices.GetRequiredService<AppRepositories>().EnsureAsync(app, access.AppCreatedAt!.Value, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task RunGitAsync(HttpContext context, string app, string service, string[] args, Stream? input, Dictionary<string, string>? environment)
    {
        environment ??= [];
        if (context.Request.Headers["Git-Protocol"].ToString() is { Length: > 0 } protocol && protocol.All(c => char.IsAsciiLetterOrDigit(c) || c is '=' or ':' or '.' or '-'))
        {
            environment["GIT_PROTOCOL"] = protocol; // protocol v2 for fetches
        }

        var (code, error) = await GitCommand.RunAsync(args, input, context.Response.Body, environment, context.RequestAborted).ConfigureAwait(false);
        if (code != 0)
        {
            BuilderLog.GitFailed(Logger(context), service, app, code, error.Trim());
        }
    }

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Paas.Builder.Git");

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // left for the next start's clean-up
        }
        catch (UnauthorizedAccessException)
        {
            // idem
        }
    }
}
