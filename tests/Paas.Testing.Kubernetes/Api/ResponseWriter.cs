using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>Writes responses with the recorded headers: Audit-Id, Cache-Control, Content-Type and (except for log, exec and attach) the two API Priority and Fairness headers; Content-Length up to 2 KB, chunked above.</summary>
public static class ResponseWriter
{
    /// <summary>The largest body sent with Content-Length (the recordings switch to chunked between 2014 and 2077 bytes).</summary>
    public const int ChunkThreshold = 2048;

    /// <summary>The flow schema uid the fake reports.</summary>
    public static readonly string FlowSchemaUid = Guid.NewGuid().ToString();

    /// <summary>The priority level uid the fake reports.</summary>
    public static readonly string PriorityLevelUid = Guid.NewGuid().ToString();

    /// <summary>Sets the standard headers.</summary>
    public static void Headers(HttpContext ctx, string contentType, bool priorityAndFairness)
    {
        var h = ctx.Response.Headers;
        h["Audit-Id"] = Guid.NewGuid().ToString();
        h.CacheControl = "no-cache, private";
        h.ContentType = contentType;
        if (priorityAndFairness)
        {
            h["X-Kubernetes-Pf-Flowschema-Uid"] = FlowSchemaUid;
            h["X-Kubernetes-Pf-Prioritylevel-Uid"] = PriorityLevelUid;
        }
    }

    /// <summary>Writes a JSON body.</summary>
    public static async Task JsonAsync(HttpContext ctx, int status, JsonNode body, bool priorityAndFairness = true, string contentType = "application/json")
    {
        ctx.Response.StatusCode = status;
        Headers(ctx, contentType, priorityAndFairness);
        var bytes = Encoding.UTF8.GetBytes(KubeJson.Serialize(body));
        if (bytes.Length <= ChunkThreshold)
        {
            ctx.Response.ContentLength = bytes.Length;
        }

        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes a Status error.</summary>
    public static Task ErrorAsync(HttpContext ctx, ApiException e, bool priorityAndFairness = true) => JsonAsync(ctx, e.Code, e.Status, priorityAndFairness);
}
