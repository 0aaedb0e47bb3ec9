using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Paas.Testing.Kubernetes.Api;

namespace Paas.Testing.Kubernetes.Discovery;

/// <summary>Serves discovery (<c>/api</c>, <c>/apis</c>, <c>/version</c>, <c>/api/v1</c>, <c>/apis/GROUP/VERSION</c>) and <c>/openapi/v3</c> from the recordings.</summary>
/// <param name="recordings">The <c>shared/kubernetes</c> folder, or null when only the OpenAPI folder is known.</param>
/// <param name="openApiDirectory">The OpenAPI documents.</param>
public sealed class DiscoveryEndpoint(string? recordings, string openApiDirectory)
{
    private readonly Dictionary<string, JsonNode?> _cache = new(StringComparer.Ordinal);

    /// <summary>Serves the path if it is a discovery path.</summary>
    public async Task<bool> TryServeAsync(HttpContext ctx, string path)
    {
        if (ctx.Request.Method != "GET")
        {
            return false;
        }

        path = path.TrimEnd('/');
        var recorded = path switch
        {
            "/api" => "exchanges/01-get-api.json",
            "/apis" => "exchanges/02-get-apis.json",
            "/version" => "exchanges/03-get-version.json",
            "/api/v1" => "exchanges/04-get-api-v1-resources.json",
            "/apis/apps/v1" => "exchanges/05-get-apis-apps-v1-resources.json",
            _ => null,
        };
        if (recorded is not null && Recorded(recorded) is JsonNode body)
        {
            await ResponseWriter.JsonAsync(ctx, 200, body.DeepClone()).ConfigureAwait(false);
            return true;
        }

        var segments = path.Trim('/').Split('/');
        if (segments is ["apis", var group, var version])
        {
            var resources = ApiResources.All.Where(r => r.Group == group && r.Version == version).ToList();
            if (resources.Count == 0)
            {
                return false;
            }

            var list = new JsonArray();
            foreach (var r in resources)
            {
                list.Add(new JsonObject
                {
                    ["name"] = r.Plural,
                    ["singularName"] = r.Kind.ToLowerInvariant(),
                    ["namespaced"] = r.Namespaced,
                    ["kind"] = r.Kind,
                    ["verbs"] = new JsonArray("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
                });
            }

            await ResponseWriter.JsonAsync(ctx, 200, new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = $"{group}/{version}", ["resources"] = list }).ConfigureAwait(false);
            return true;
        }

        if (path == "/openapi/v3")
        {
            await RawAsync(ctx, Path.Combine(openApiDirectory, "index.json"), "text/plain; charset=utf-8", etag: false).ConfigureAwait(false);
            return true;
        }

        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            var file = Path.Combine(openApiDirectory, path["/openapi/v3/".Length..].Replace('/', '-') + ".json");
            if (!File.Exists(file))
            {
                ctx.Response.StatusCode = 404;
                ResponseWriter.Headers(ctx, "text/plain; charset=utf-8", priorityAndFairness: true);
                await ctx.Response.WriteAsync("404 page not found\n").ConfigureAwait(false);
                return true;
            }

            await RawAsync(ctx, file, "application/json", etag: true).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private JsonNode? Recorded(string relative)
    {
        lock (_cache)
        {
            if (!_cache.TryGetValue(relative, out var node))
            {
                var file = recordings is null ? null : Path.Combine(recordings, relative);
                node = file is not null && File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file))?["response"]?["body"] : null;
                _cache[relative] = node;
            }

            return node;
        }
    }

    private static async Task RawAsync(HttpContext ctx, string file, string contentType, bool etag)
    {
        var bytes = await File.ReadAllBytesAsync(file, ctx.RequestAborted).ConfigureAwait(false);
        ctx.Response.StatusCode = 200;
        ResponseWriter.Headers(ctx, contentType, priorityAndFairness: true);
        if (etag)
        {
            ctx.Response.Headers.ETag = "\"" + Convert.ToHexString(System.Security.Cryptography.SHA512.HashData(bytes)) + "\"";
        }

        if (bytes.Length <= ResponseWriter.ChunkThreshold)
        {
            ctx.Response.ContentLength = bytes.Length;
        }

        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Finds the recordings folder when the OpenAPI folder sits in it.</summary>
    public static string? RecordingsFor(string openApiDirectory)
    {
        var parent = Directory.GetParent(Path.GetFullPath(openApiDirectory).TrimEnd(Path.DirectorySeparatorChar))?.FullName;
        return parent is not null && Directory.Exists(Path.Combine(parent, "exchanges")) ? parent : null;
    }
}
