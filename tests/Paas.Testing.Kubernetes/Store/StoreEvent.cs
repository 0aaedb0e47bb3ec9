using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;

namespace Paas.Testing.Kubernetes.Store;

/// <summary>One change in the store, as watches see it.</summary>
/// <param name="Type"><c>ADDED</c>, <c>MODIFIED</c> or <c>DELETED</c>.</param>
/// <param name="Resource">The resource.</param>
/// <param name="Object">The object after the change (a frozen copy with kind and apiVersion).</param>
/// <param name="Previous">The object before the change, or null when added.</param>
/// <param name="ResourceVersion">The change's resourceVersion.</param>
public sealed record StoreEvent(string Type, ApiResource Resource, JsonObject Object, JsonObject? Previous, long ResourceVersion)
{
    /// <summary>The object's namespace ("" when cluster-scoped).</summary>
    public string Namespace => Json.KubeJson.Str(Object, "metadata", "namespace") ?? string.Empty;
}
