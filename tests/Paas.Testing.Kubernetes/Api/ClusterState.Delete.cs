using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>Deletion.</summary>
public sealed partial class ClusterState
{
    /// <summary>
    /// Deletes as the API server does: pods gracefully (deletionTimestamp + grace, the kubelet stops them), namespaces by
    /// the namespace controller (phase Terminating), Foreground deletion with the <c>foregroundDeletion</c> finalizer, objects
    /// with finalizers kept until those are removed, everything else at once.
    /// </summary>
    /// <returns>The body to answer with (the object, or a Success Status).</returns>
    public JsonObject Delete(ApiResource r, string ns, string name, string? propagationPolicy, long? gracePeriodSeconds)
    {
        var live = Store.Get(r, ns, name) ?? throw Statuses.NotFound(r, name);
        var now = KubeClock.Now;
        if (KubeJson.Str(live, "metadata", "deletionTimestamp") is not null)
        {
            if (r.Kind == "Pod" && gracePeriodSeconds == 0)
            {
                return RemoveNow(r, live);
            }

            return KubeJson.CloneObject(live);
        }

        var next = KubeJson.CloneObject(live);
        var meta = KubeJson.Obj(next, "metadata");
        switch (r.Kind)
        {
            case "Namespace":
                meta["deletionTimestamp"] = KubeJson.Time(now);
                KubeJson.Obj(next, "status")["phase"] = "Terminating";
                return Commit(r, next);
            case "Pod":
                var grace = gracePeriodSeconds ?? KubeJson.Long(live, "spec", "terminationGracePeriodSeconds") ?? 30;
                var running = KubeJson.Str(live, "spec", "nodeName") is not null && KubeJson.Str(live, "status", "phase") is not ("Succeeded" or "Failed");
                if (!running || grace == 0)
                {
                    meta["deletionTimestamp"] = KubeJson.Time(now);
                    meta["deletionGracePeriodSeconds"] = 0;
                    var marked = Commit(r, next);
                    if (running)
                    {
                        PodTerminating?.Invoke(marked);
                    }

                    return RemoveNow(r, Store.Get(r, ns, name)!);
                }

                meta["deletionTimestamp"] = KubeJson.Time(now.AddSeconds(grace));
                meta["deletionGracePeriodSeconds"] = grace;
                var stored = Commit(r, next);
                PodTerminating?.Invoke(stored);
                return stored;
        }

        var foreground = propagationPolicy == "Foreground";
        var finalizers = meta["finalizers"] as JsonArray;
        if (foreground || finalizers is { Count: > 0 })
        {
            meta["deletionTimestamp"] = KubeJson.Time(now);
            meta["deletionGracePeriodSeconds"] = 0;
            if (foreground)
            {
                finalizers ??= [];
                if (!finalizers.Any(f => f?.GetValue<string>() == "foregroundDeletion"))
                {
                    finalizers.Add("foregroundDeletion");
                }

                meta["finalizers"] = finalizers;
            }

            if (r.HasGeneration)
            {
                meta["generation"] = (KubeJson.Long(live, "metadata", "generation") ?? 0) + 1;
            }

            return Commit(r, next);
        }

        if (propagationPolicy == "Orphan")
        {
            Orphan(KubeJson.Str(live, "metadata", "uid")!);
        }

        var removed = RemoveNow(r, live);
        return r.DeleteReturnsObject ? removed : Statuses.DeleteSuccess(r, name, KubeJson.Str(live, "metadata", "uid")!);
    }

    /// <summary>Removes the object now (DELETED event with a new resourceVersion); returns the last state.</summary>
    public JsonObject RemoveNow(ApiResource r, JsonObject live)
    {
        var last = KubeJson.CloneObject(live);
        var rv = Store.Next();
        KubeJson.Obj(last, "metadata")["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Store.Remove(r, last, rv);
        return KubeJson.CloneObject(last);
    }

    private void Orphan(string ownerUid)
    {
        foreach (var r in ApiResources.All)
        {
            foreach (var o in Store.List(r, null))
            {
                if (o["metadata"]?["ownerReferences"] is JsonArray refs && refs.OfType<JsonObject>().Any(x => KubeJson.Str(x, "uid") == ownerUid))
                {
                    var next = KubeJson.CloneObject(o);
                    var nrefs = (JsonArray)next["metadata"]!["ownerReferences"]!;
                    foreach (var x in nrefs.OfType<JsonObject>().Where(x => KubeJson.Str(x, "uid") == ownerUid).ToList())
                    {
                        nrefs.Remove(x);
                    }

                    if (nrefs.Count == 0)
                    {
                        ((JsonObject)next["metadata"]!).Remove("ownerReferences");
                    }

                    CommitChange(r, o, next, "kube-controller-manager", "Update", null, null);
                }
            }
        }
    }
}
