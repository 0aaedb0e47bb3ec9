using System.Globalization;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Json;
using Paas.Testing.Kubernetes.Selection;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>GET and LIST.</summary>
public sealed partial class ApiHandler
{
    private JsonObject GetOne(ApiPath p)
    {
        lock (State.Store.Sync)
        {
            var obj = State.Get(p.Resource, p.Namespace ?? string.Empty, p.Name!) ?? throw Statuses.NotFound(p.Resource, p.Name!);
            return p.Subresource switch
            {
                null or "status" => obj,
                "scale" when p.Resource.Kind is "Deployment" or "ReplicaSet" => Scale(obj),
                _ => throw Statuses.PathNotFound(),
            };
        }
    }

    /// <summary>The autoscaling/v1 Scale of a Deployment or ReplicaSet.</summary>
    public static JsonObject Scale(JsonObject obj)
    {
        var meta = (JsonObject)obj["metadata"]!;
        var scaleMeta = new JsonObject();
        foreach (var key in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta[key] is { } v)
            {
                scaleMeta[key] = v.DeepClone();
            }
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = KubeJson.Long(obj, "spec", "replicas") ?? 0 },
            ["status"] = new JsonObject
            {
                ["replicas"] = KubeJson.Long(obj, "status", "replicas") ?? 0,
                ["selector"] = LabelSelector.Render(obj["spec"]?["selector"] as JsonObject),
            },
        };
    }

    private JsonObject List(ApiPath p, ListQuery query, string limitText, string continueToken, string resourceVersion)
    {
        lock (State.Store.Sync)
        {
            var all = State.Store.List(p.Resource, p.Namespace).Where(query.Matches).ToList();
            if (continueToken.Length > 0)
            {
                var start = ListQuery.ContinueStart(continueToken);
                all = [.. all.Where(o => string.CompareOrdinal(Key(o), start) > 0)];
            }

            var meta = new JsonObject { ["resourceVersion"] = State.Store.ResourceVersion.ToString(CultureInfo.InvariantCulture) };
            if (int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) && limit > 0 && resourceVersion != "0" && all.Count > limit)
            {
                var remaining = all.Count - limit;
                all = all.Take(limit).ToList();
                meta["continue"] = ListQuery.ContinueToken(State.Store.ResourceVersion, Key(all[^1]));
                if (query.LabelText is null && !query.HasFieldSelector)
                {
                    meta["remainingItemCount"] = remaining;
                }
            }

            var items = new JsonArray();
            foreach (var o in all)
            {
                var item = KubeJson.CloneObject(o);
                item.Remove("kind");
                item.Remove("apiVersion");
                items.Add(item);
            }

            return new JsonObject { ["kind"] = p.Resource.ListKind, ["apiVersion"] = p.Resource.ApiVersion, ["metadata"] = meta, ["items"] = items };
        }
    }

    private static string Key(JsonObject o) => $"{KubeJson.Str(o, "metadata", "namespace")}/{KubeJson.Str(o, "metadata", "name")}";
}
