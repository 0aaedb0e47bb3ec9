using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>
/// Deletes objects whose owners are gone (pods gracefully), completes Foreground deletion (dependents first, then the
/// <c>foregroundDeletion</c> finalizer is removed and the owner disappears), and removes deleted objects whose finalizers
/// are all gone.
/// </summary>
/// <param name="state">The cluster.</param>
public sealed class GarbageCollector(ClusterState state)
{
    /// <summary>One pass.</summary>
    public void Sync()
    {
        var everything = ApiResources.All.SelectMany(r => state.Store.List(r, null).Select(o => (Resource: r, Object: o))).ToList();
        var uids = everything.Select(e => KubeJson.Str(e.Object, "metadata", "uid")).ToHashSet();
        foreach (var (r, o) in everything)
        {
            var refs = (o["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (refs.Count == 0 || Owners.IsDeleting(o))
            {
                continue;
            }

            if (refs.All(x => !uids.Contains(KubeJson.Str(x, "uid"))))
            {
                Delete(r, o);
            }
        }

        foreach (var (r, o) in everything)
        {
            if (!Owners.IsDeleting(o) || r.Kind is "Pod" or "Namespace")
            {
                continue;
            }

            var finalizers = (o["metadata"]?["finalizers"] as JsonArray ?? []).Select(f => f?.GetValue<string>()).ToList();
            var uid = KubeJson.Str(o, "metadata", "uid");
            if (finalizers.Contains("foregroundDeletion"))
            {
                var dependents = ApiResources.All.SelectMany(dr => state.Store.List(dr, KubeJson.Str(o, "metadata", "namespace")).Select(x => (dr, x)))
                    .Where(e => Owners.IsOwnedBy(e.x, uid)).ToList();
                foreach (var (dr, dep) in dependents.Where(e => !Owners.IsDeleting(e.x)))
                {
                    if (dr.Kind == "Pod")
                    {
                        Delete(dr, dep);
                    }
                    else
                    {
                        state.Delete(dr, KubeJson.Str(dep, "metadata", "namespace") ?? string.Empty, KubeJson.Str(dep, "metadata", "name")!, "Foreground", null);
                    }
                }

                if (dependents.Count == 0)
                {
                    var next = KubeJson.CloneObject(o);
                    var list = (JsonArray)next["metadata"]!["finalizers"]!;
                    foreach (var f in list.Where(f => f?.GetValue<string>() == "foregroundDeletion").ToList())
                    {
                        list.Remove(f);
                    }

                    if (list.Count == 0)
                    {
                        state.RemoveNow(r, o);
                    }
                    else
                    {
                        state.CommitChange(r, o, next, "kube-controller-manager", "Update", null, null);
                    }
                }
            }
            else if (finalizers.Count == 0)
            {
                state.RemoveNow(r, o);
            }
        }
    }

    private void Delete(ApiResource r, JsonObject o)
    {
        try
        {
            state.Delete(r, KubeJson.Str(o, "metadata", "namespace") ?? string.Empty, KubeJson.Str(o, "metadata", "name")!, null, null);
        }
        catch (ApiException)
        {
        }
    }
}
