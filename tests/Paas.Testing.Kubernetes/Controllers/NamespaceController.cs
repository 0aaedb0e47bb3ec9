using System.Globalization;
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

            if (state.Store.InNamespace(name).Count == 0)
            {
                state.RemoveNow(ApiResources.Namespaces, ns);
            }
        }
    }
}
