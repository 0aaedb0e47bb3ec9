using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Paas.Builder;

/// <summary>
/// The build pods' side of <see cref="BuildTransfers"/>, on the builder's port:
/// <list type="bullet">
/// <item><c>GET /v2/builder/transfers/{token}</c>: the source or the build cache tarball (<c>application/gzip</c>), once;
/// 404 for an unknown, used or revoked token.</item>
/// <item><c>PUT /v2/builder/transfers/{token}</c>: the slug or the new build cache tarball as the body (any length, chunked
/// allowed), once; 204 when stored, 413 above <see cref="BuildPodOptions.MaxSlugBytes"/> or
/// <see cref="BuildPodOptions.MaxCacheBytes"/>, 404 for an unknown, used or revoked token.</item>
/// </list>
/// The token is the only credential: a build pod holds no other (no service account token, no platform secret).
/// </summary>
internal static class BuildTransferApi
{
    /// <summary>Maps the two routes.</summary>
    public static IEndpointRouteBuilder MapBuildTransferApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v2/builder/transfers/{token}", DownloadAsync).ExcludeFromDescription();
        endpoints.MapPut("/v2/builder/transfers/{token}", UploadAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task DownloadAsync(string token, HttpContext context, BuildTransfers transfers)
    {
        if (transfers.TakeDownload(token) is not { } file || !File.Exists(file.Path))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/gzip";
        await context.Response.SendFileAsync(file.Path, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task UploadAsync(string token, HttpContext context, BuildTransfers transfers)
    {
        if (transfers.TakeUpload(token) is not { } file)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // bounded below by the file's MaxBytes
        }

        var partial = file.Path + ".part";
        var total = 0L;
        await using (var output = File.Create(partial))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > file.MaxBytes)
                {
                    break;
                }

                await output.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
            }
        }

        if (total > file.MaxBytes)
        {
            File.Delete(partial);
            file.MarkTooLarge();
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.Response.WriteAsync($"the {file.Name} is larger than {file.MaxBytes} bytes\n").ConfigureAwait(false);
            return;
        }

        File.Move(partial, file.Path, overwrite: true);
        file.MarkReceived();
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
