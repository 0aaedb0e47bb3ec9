using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;
using Paas.Testing.Kubernetes.Store;

namespace Paas.Testing.Kubernetes.Watch;

/// <summary>
/// A watch: 200, chunked, one <c>{"type","object"}</c> line per event. Without resourceVersion (or with 0) synthetic ADDED
/// events for the current objects come first, ordered by name; with one, only later changes. A resourceVersion older than
/// the history answers one ERROR 410 Expired event and ends. BOOKMARKs with allowWatchBookmarks; timeoutSeconds ends it.
/// </summary>
/// <param name="server">The server.</param>
public sealed class WatchStream(FakeKubernetesApiServer server)
{
    /// <summary>Serves the watch.</summary>
    public async Task ServeAsync(HttpContext ctx, ApiPath p)
    {
        var q = ctx.Request.Query;
        if (q["sendInitialEvents"].ToString() == "true")
        {
            throw Statuses.Invalid("ListOptions.meta.k8s.io", "meta.k8s.io", "ListOptions", string.Empty,
                [new FieldCause("FieldValueForbidden", "Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled", "sendInitialEvents")]);
        }

        var query = ListQuery.From(q);
        var rvText = q["resourceVersion"].ToString();
        var timeout = int.TryParse(q["timeoutSeconds"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) && t > 0 ? TimeSpan.FromSeconds(t) : Timeout.InfiniteTimeSpan;
        var bookmarks = q["allowWatchBookmarks"].ToString() == "true";
        var state = server.State;
        var initial = new List<(string Type, JsonObject Object)>();
        long lastRv;
        ChannelReader<StoreEvent> reader;
        Action unsubscribe;
        JsonObject? expired = null;
        lock (state.Store.Sync)
        {
            reader = state.Store.Subscribe(out unsubscribe);
            lastRv = state.Store.ResourceVersion;
            if (rvText.Length == 0 || rvText == "0")
            {
                foreach (var o in state.Store.List(p.Resource, p.Namespace).Where(query.Matches).OrderBy(o => KubeJson.Str(o, "metadata", "name"), StringComparer.Ordinal))
                {
                    initial.Add(("ADDED", KubeJson.CloneObject(o)));
                }
            }
            else if (!long.TryParse(rvText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var rv))
            {
                unsubscribe();
                throw Statuses.BadRequest($"invalid resource version: strconv.ParseUint: parsing {KubeJson.Quote(rvText)}: invalid syntax");
            }
            else if (rv < state.Store.OldestWatchable)
            {
                expired = Statuses.Failure(410, "Expired", $"too old resource version: {rv} ({state.Store.OldestWatchable + 1})", null);
                expired.Remove("details");
            }
            else
            {
                foreach (var e in state.Store.Since(rv))
                {
                    if (Filter(e, p, query) is { } ev)
                    {
                        initial.Add(ev);
                    }
                }
            }
        }

        try
        {
            ctx.Response.StatusCode = 200;
            ResponseWriter.Headers(ctx, "application/json", priorityAndFairness: true);
            await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);
            if (expired is not null)
            {
                await WriteAsync(ctx, "ERROR", expired).ConfigureAwait(false);
                return;
            }

            foreach (var (type, obj) in initial)
            {
                await WriteAsync(ctx, type, obj).ConfigureAwait(false);
                lastRv = Math.Max(lastRv, long.Parse(KubeJson.Str(obj, "metadata", "resourceVersion") ?? "0", CultureInfo.InvariantCulture));
            }

            await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, server.Stopping);
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                cts.CancelAfter(timeout);
            }

            var nextBookmark = DateTimeOffset.UtcNow + server.Options.BookmarkInterval;
            var sentUpTo = initial.Count > 0 && rvText.Length > 0 && rvText != "0" ? lastRv : 0;
            while (!cts.IsCancellationRequested)
            {
                var wait = bookmarks ? nextBookmark - DateTimeOffset.UtcNow : Timeout.InfiniteTimeSpan;
                if (bookmarks && wait <= TimeSpan.Zero)
                {
                    await WriteAsync(ctx, "BOOKMARK", Bookmark(p.Resource, lastRv)).ConfigureAwait(false);
                    nextBookmark = DateTimeOffset.UtcNow + server.Options.BookmarkInterval;
                    continue;
                }

                using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                if (wait != Timeout.InfiniteTimeSpan)
                {
                    waitCts.CancelAfter(wait);
                }

                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(waitCts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cts.IsCancellationRequested)
                {
                    continue;
                }

                if (!more)
                {
                    break;
                }

                while (reader.TryRead(out var e))
                {
                    if (e.ResourceVersion <= sentUpTo)
                    {
                        continue;
                    }

                    if (Filter(e, p, query) is { } ev)
                    {
                        await WriteAsync(ctx, ev.Type, ev.Object).ConfigureAwait(false);
                    }

                    lastRv = Math.Max(lastRv, e.ResourceVersion);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            unsubscribe();
        }
    }

    private static (string Type, JsonObject Object)? Filter(StoreEvent e, ApiPath p, ListQuery query)
    {
        if (e.Resource != p.Resource || (p.Namespace is not null && e.Namespace != p.Namespace))
        {
            return null;
        }

        var now = query.Matches(e.Object);
        var before = e.Previous is not null && query.Matches(e.Previous);
        return e.Type switch
        {
            "DELETED" when before || now => ("DELETED", e.Object),
            "ADDED" when now => ("ADDED", e.Object),
            "MODIFIED" when now && before => ("MODIFIED", e.Object),
            "MODIFIED" when now => ("ADDED", e.Object),
            "MODIFIED" when before => ("DELETED", e.Object),
            _ => null,
        };
    }

    /// <summary>The BOOKMARK object: an empty object of the kind carrying only the resourceVersion.</summary>
    public static JsonObject Bookmark(ApiResource r, long rv)
    {
        var o = new JsonObject
        {
            ["kind"] = r.Kind,
            ["apiVersion"] = r.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture), ["creationTimestamp"] = null },
        };
        switch (r.Kind)
        {
            case "Pod":
                o["spec"] = new JsonObject { ["containers"] = null };
                o["status"] = new JsonObject();
                break;
            case "Deployment" or "ReplicaSet":
                o["spec"] = JsonNode.Parse("{\"selector\":null,\"template\":{\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"containers\":null}}" + (r.Kind == "Deployment" ? ",\"strategy\":{}" : string.Empty) + "}");
                o["status"] = new JsonObject();
                break;
            case "Service" or "Namespace" or "HorizontalPodAutoscaler" or "PodDisruptionBudget":
                o["spec"] = new JsonObject();
                o["status"] = new JsonObject();
                break;
            case "NetworkPolicy":
                o["spec"] = new JsonObject { ["podSelector"] = new JsonObject() };
                break;
        }

        return o;
    }

    private static async Task WriteAsync(HttpContext ctx, string type, JsonObject obj)
    {
        var line = "{\"type\":\"" + type + "\",\"object\":" + KubeJson.Serialize(obj) + "}\n";
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), ctx.RequestAborted).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }
}
