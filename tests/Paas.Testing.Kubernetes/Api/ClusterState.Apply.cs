using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Apply;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>Server-side apply.</summary>
public sealed partial class ClusterState
{
    /// <summary>
    /// Server-side apply of <paramref name="applied"/> by <paramref name="manager"/>: creates (201) or merges (200). Fields
    /// owned by other managers with a different value conflict (409) unless <paramref name="force"/>; fields this manager
    /// applied before and no longer applies are removed when nobody else owns them. A no-op apply changes nothing.
    /// </summary>
    public JsonObject Apply(ApiResource r, string ns, string name, JsonObject applied, string manager, bool force, out bool created)
    {
        var schemaErrors = Validator.HasSchema(r.ApiVersion, r.Kind) ? Validator.Validate(applied, requireRequired: false) : [];
        if (schemaErrors.Count > 0)
        {
            throw Statuses.BadRequest($"failed to create typed patch object ({(r.Namespaced ? ns + "/" : string.Empty)}{name}; {r.ApiVersion}, Kind={r.Kind}): {schemaErrors[0]}");
        }

        var live = Store.Get(r, ns, name);
        var appliedTree = Tree.Build(applied, dots: false);
        if (live is null)
        {
            created = true;
            CheckNamespaceForCreate(r, ns, name);
            var obj = NewObject(r, ns, name, applied);
            Defaulter.Apply(r, obj, creating: true);
            Validation.ObjectValidator.Validate(r, obj);
            if (appliedTree.Count > 0)
            {
                // The server keeps no entry for an empty field set (a Namespace applied with only its name).
                KubeJson.Obj(obj, "metadata")["managedFields"] = new JsonArray(ManagedEntry(manager, "Apply", r.ApiVersion, appliedTree, null));
            }

            return Commit(r, obj);
        }

        created = false;
        var next = KubeJson.CloneObject(live);
        var entries = KubeJson.Obj(next, "metadata")["managedFields"] as JsonArray ?? [];
        var conflicts = new List<(JsonObject Entry, FieldPath Path)>();
        foreach (var leaf in FieldTree.Leaves(appliedTree))
        {
            foreach (var e in entries.OfType<JsonObject>())
            {
                if (IsEntry(e, manager, "Apply", null) || e["fieldsV1"] is not JsonObject t || !FieldTree.Contains(t, leaf))
                {
                    continue;
                }

                var (liveValue, _) = FieldTree.ValueAt(live, leaf);
                var (appliedValue, _) = FieldTree.ValueAt(applied, leaf);
                if (!KubeJson.Same(liveValue, appliedValue) && !(appliedValue is JsonObject ao && liveValue is JsonObject && ao.Count == 0))
                {
                    conflicts.Add((e, leaf));
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            throw ConflictError(conflicts);
        }

        foreach (var (e, leaf) in conflicts)
        {
            var t = (JsonObject)e["fieldsV1"]!;
            FieldTree.Remove(t, leaf);
            if (t.Count == 0)
            {
                entries.Remove(e);
            }
        }

        var previous = entries.OfType<JsonObject>().FirstOrDefault(e => IsEntry(e, manager, "Apply", null))?["fieldsV1"] as JsonObject;
        var body = KubeJson.CloneObject(applied);
        body.Remove("kind");
        body.Remove("apiVersion");
        body.Remove("status");
        if (body["metadata"] is JsonObject bm)
        {
            foreach (var key in bm.Select(p => p.Key).ToList())
            {
                if (key is not ("labels" or "annotations" or "ownerReferences" or "finalizers"))
                {
                    bm.Remove(key);
                }
            }
        }

        Merger.Apply(next, body, Merger.KindSchema(live));
        if (previous is not null)
        {
            RemoveDropped(next, previous, appliedTree, entries, manager, []);
        }

        KubeJson.Obj(next, "metadata")["managedFields"] = entries;
        return CommitChange(r, live, next, manager, "Apply", null, appliedTree);
    }

    private static void RemoveDropped(JsonObject obj, JsonObject oldNode, JsonObject newNode, JsonArray entries, string manager, List<string> prefix)
    {
        foreach (var (k, v) in oldNode)
        {
            if (k == ".")
            {
                continue;
            }

            var path = new List<string>(prefix) { k };
            if (newNode[k] is JsonObject newChild)
            {
                if (v is JsonObject oldChild)
                {
                    RemoveDropped(obj, oldChild, newChild, entries, manager, path);
                }

                continue;
            }

            var fp = new FieldPath(path);
            var ownedElsewhere = entries.OfType<JsonObject>().Any(e => !IsEntry(e, manager, "Apply", null) && e["fieldsV1"] is JsonObject t && FieldTree.Contains(t, fp));
            if (!ownedElsewhere)
            {
                FieldTree.RemoveFromObject(obj, fp);
            }
        }
    }

    private static ApiException ConflictError(List<(JsonObject Entry, FieldPath Path)> conflicts)
    {
        static string Who(JsonObject e)
        {
            var m = KubeJson.Quote(KubeJson.Str(e, "manager") ?? string.Empty);
            if (KubeJson.Str(e, "operation") == "Apply")
            {
                return m;
            }

            var sub = KubeJson.Str(e, "subresource") is { } s ? $" with subresource {KubeJson.Quote(s)}" : string.Empty;
            return $"{m}{sub} using {KubeJson.Str(e, "apiVersion")}";
        }

        var causes = conflicts.Select(c => new FieldCause("FieldManagerConflict", $"conflict with {Who(c.Entry)}", c.Path.ToString())).ToList();
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {Who(conflicts[0].Entry)}: {conflicts[0].Path}";
        }
        else
        {
            var lines = new List<string>();
            foreach (var group in conflicts.GroupBy(c => Who(c.Entry)))
            {
                lines.Add($"conflicts with {group.Key}:");
                lines.AddRange(group.Select(c => $"- {c.Path}"));
            }

            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }

        var details = new JsonObject { ["causes"] = Statuses.Causes(causes) };
        return new ApiException(Statuses.Failure(409, "Conflict", message, details));
    }
}
