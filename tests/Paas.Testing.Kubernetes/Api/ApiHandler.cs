using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>Answers every HTTP request: authentication, RBAC rules, routing to discovery, objects, watches and streams.</summary>
public sealed partial class ApiHandler(FakeKubernetesApiServer server)
{
    private ClusterState State => server.State;

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
        }

        var index = server.Log(new RecordedRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty, request.ContentType, body, request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null, 0));
        var path = request.Path.Value ?? "/";
        var longRunning = path.EndsWith("/log", StringComparison.Ordinal) || path.EndsWith("/exec", StringComparison.Ordinal) || path.EndsWith("/attach", StringComparison.Ordinal);
        try
        {
            if (request.Headers.Authorization.ToString() != "Bearer " + server.Token)
            {
                throw Statuses.Unauthorized();
            }

            await RouteAsync(ctx, path, body).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted)
            {
                await ResponseWriter.ErrorAsync(ctx, e, !longRunning).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
        }

        server.SetStatus(index, ctx.Response.StatusCode);
    }

    private async Task RouteAsync(HttpContext ctx, string path, string body)
    {
        if (await server.Discovery.TryServeAsync(ctx, path).ConfigureAwait(false))
        {
            return;
        }

        var p = ApiPath.Parse(path) ?? throw Statuses.PathNotFound();
        var q = ctx.Request.Query;
        var method = ctx.Request.Method;
        var watch = q["watch"].ToString() is "true" or "1";
        var verb = method switch
        {
            "GET" when p.Name is null => watch ? "watch" : "list",
            "GET" when p.Subresource is "exec" or "attach" => "create",
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when p.Name is null => "deletecollection",
            "DELETE" => "delete",
            _ => "unknown",
        };
        var user = ctx.Request.Headers["Impersonate-User"].ToString() is { Length: > 0 } imp ? imp : server.Options.UserName;
        var resourceName = p.Subresource is null ? p.Resource.Plural : $"{p.Resource.Plural}/{p.Subresource}";
        if (server.Access.IsDenied(verb, p.Resource.Group, resourceName, user) || server.Access.IsDenied(verb, p.Resource.Group, p.Resource.Plural, user) && p.Subresource is null)
        {
            throw Statuses.Forbidden(user, verb, p.Resource, p.Subresource, p.Namespace, p.Name);
        }

        if (q.ContainsKey("dryRun") && method is "PUT" or "PATCH" or "DELETE")
        {
            // Stricter than a real server: rather than writing for real, say that the fake does not do it.
            throw Statuses.BadRequest($"dryRun is not supported by the fake Kubernetes API server on {method} (only on POST)");
        }

        if (p.Resource.Namespaced && p.Name is not null && p.Namespace is null)
        {
            throw Statuses.PathNotFound();
        }

        switch (method)
        {
            case "GET" when p.Name is null && watch:
                await new Watch.WatchStream(server).ServeAsync(ctx, p).ConfigureAwait(false);
                return;
            case "GET" when p.Name is null:
                await ResponseWriter.JsonAsync(ctx, 200, List(p, ListQuery.From(q), q["limit"].ToString(), q["continue"].ToString(), q["resourceVersion"].ToString())).ConfigureAwait(false);
                return;
            case "GET" when p.Subresource == "log":
                await server.Streams.ServeLogAsync(ctx, p).ConfigureAwait(false);
                return;
            case "GET" or "POST" when p.Subresource is "exec" or "attach":
                await server.Streams.ServeChannelAsync(ctx, p).ConfigureAwait(false);
                return;
            case "GET":
                await ResponseWriter.JsonAsync(ctx, 200, GetOne(p)).ConfigureAwait(false);
                return;
            case "POST" when p.Subresource == "eviction":
                await ResponseWriter.JsonAsync(ctx, 201, Evict(p, Manager(ctx))).ConfigureAwait(false);
                return;
            case "POST" when p.Name is null:
                await ResponseWriter.JsonAsync(ctx, 201, Create(p, Parse(body, p.Resource), Manager(ctx), q["dryRun"].ToString() == "All")).ConfigureAwait(false);
                return;
            case "PUT" when p.Name is not null:
                await ResponseWriter.JsonAsync(ctx, 200, Replace(p, Parse(body, p.Resource), Manager(ctx))).ConfigureAwait(false);
                return;
            case "PATCH" when p.Name is not null:
                var (status, result) = Patch(ctx, p, body);
                await ResponseWriter.JsonAsync(ctx, status, result).ConfigureAwait(false);
                return;
            case "DELETE" when p.Name is not null && p.Subresource is null:
                await ResponseWriter.JsonAsync(ctx, 200, Delete(p, body, q)).ConfigureAwait(false);
                return;
            case "DELETE" when p.Name is null:
                await ResponseWriter.JsonAsync(ctx, 200, DeleteCollection(p, ListQuery.From(q))).ConfigureAwait(false);
                return;
            default:
                throw new ApiException(Statuses.Failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", Statuses.Details(null, p.Resource.Group, p.Resource.Plural)));
        }
    }

    private string Manager(HttpContext ctx)
    {
        var fieldManager = ctx.Request.Query["fieldManager"].ToString();
        if (fieldManager.Length > 0)
        {
            return fieldManager;
        }

        var ua = ctx.Request.Headers.UserAgent.ToString();
        if (ua.Length == 0)
        {
            return "unknown";
        }

        var slash = ua.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? ua[..slash] : ua;
    }

    private static JsonObject Parse(string body, ApiResource r)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw Statuses.BadRequest($"Object '{r.Kind}' is missing in '{body}'");
        }
        catch (JsonException e)
        {
            throw Statuses.BadRequest($"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf ({e.Message})");
        }
    }

    private void CheckBodyType(ApiResource r, JsonObject obj)
    {
        // Like the real decoder, a body without kind/apiVersion takes them from the URL.
        var apiVersion = KubeJson.Str(obj, "apiVersion") ?? r.ApiVersion;
        var kind = KubeJson.Str(obj, "kind") ?? r.Kind;
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;

        if (apiVersion != r.ApiVersion || kind != r.Kind)
        {
            throw Statuses.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({r.ApiVersion})");
        }

        if (State.Validator.HasSchema(r.ApiVersion, r.Kind))
        {
            var errors = State.Validator.Validate(obj, requireRequired: false);
            if (errors.Count > 0)
            {
                throw Statuses.BadRequest($"{r.Kind} in version \"{r.Version}\" cannot be handled as a {r.Kind}: strict decoding error: {string.Join(", ", errors)}");
            }
        }
    }
}
