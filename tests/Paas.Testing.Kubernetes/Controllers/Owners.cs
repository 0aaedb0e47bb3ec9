using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>ownerReferences helpers.</summary>
public static class Owners
{
    /// <summary>A controller ownerReference to <paramref name="owner"/>.</summary>
    public static JsonArray ControllerRef(JsonObject owner) =>
    [
        new JsonObject
        {
            ["apiVersion"] = KubeJson.Str(owner, "apiVersion"),
            ["kind"] = KubeJson.Str(owner, "kind"),
            ["name"] = KubeJson.Str(owner, "metadata", "name"),
            ["uid"] = KubeJson.Str(owner, "metadata", "uid"),
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        },
    ];

    /// <summary>Whether <paramref name="obj"/> is owned by the object with <paramref name="uid"/>.</summary>
    public static bool IsOwnedBy(JsonObject obj, string? uid) =>
        uid is not null && (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().Any(r => KubeJson.Str(r, "uid") == uid);

    /// <summary>Whether the object is being deleted.</summary>
    public static bool IsDeleting(JsonObject obj) => KubeJson.Str(obj, "metadata", "deletionTimestamp") is not null;
}
