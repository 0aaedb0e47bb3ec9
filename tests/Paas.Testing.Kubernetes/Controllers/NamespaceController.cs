using System.Globalization;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>Empties terminating namespaces (pods gracefully, the rest at once) and removes each once nothing is left.</summary>
/// <param name="state">The cluster.</param>
/// <param name="options">The delay before content deletion.</param>
public sealed class NamespaceController(ClusterState state, FakeKubernetesOptions options)
{
    /// <summary>One pass.</summary>
    public void Sync()
    {
        foreach (var ns in state.Store.List(ApiResources.Namespaces, null))
        {
            if (!Owners.IsDeleting(ns))
            {
                continue;
            }

            var name = KubeJson.Str(ns, "metadata", "name")!;
            if (DateTimeOffset.TryParse(KubeJson.Str(ns, "metadata", "deletionTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
                && KubeClock.Now - since < options.NamespaceDeletionDelay - TimeSpan.FromSeconds(1))
            {
                continue;
            }

            var content = state.Store.InNamespace(name);
            foreach (var (r, o) in content)
            {
                if (Owners.IsDeleting(o))
                {
                    if (r.Kind != "Pod")
                    {
                        state.RemoveNow(r, o);
                    }

                    continue;
                }

                if (r.Kind == "Pod")
                {
                    state.Delete(r, name, KubeJson.Str(o, "metadata", "name")!, null, null);
                }
                else
                {
                    state.RemoveNow(r, o);
                }
            }

            var remaining = state.Store.InNamespace(name);
            if (remaining.Count == 0)
            {
                state.RemoveNow(ApiResources.Namespaces, ns);
                continue;
            }

            WriteConditions(ns, remaining);
        }
    }

    private void WriteConditions(JsonObject ns, List<(ApiResource Resource, JsonObject Object)> remaining)
    {
        var now = KubeJson.Time(KubeClock.Now);
        var old = (ns["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        JsonObject Condition(string type, string status, string reason, string message) => new()
        {
            ["type"] = type,
            ["status"] = status,
            ["lastTransitionTime"] = old.FirstOrDefault(c => KubeJson.Str(c, "type") == type && KubeJson.Str(c, "status") == status) is { } c ? KubeJson.Str(c, "lastTransitionTime") : now,
            ["reason"] = reason,
            ["message"] = message,
        };
        var groups = remaining.GroupBy(x => x.Resource).OrderBy(g => g.Key.Plural, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Plural}.{g.Key.Group} has {g.Count()} resource instances");
        var status = new JsonObject
        {
            ["phase"] = "Terminating",
            ["conditions"] = new JsonArray(
                Condition("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
                Condition("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
                Condition("NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
                Condition("NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: " + string.Join(", ", groups)),
                Condition("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished")),
        };
        state.WriteStatus(ApiResources.Namespaces, ns, status);
    }
}
