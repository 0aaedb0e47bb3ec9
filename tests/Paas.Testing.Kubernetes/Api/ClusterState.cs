using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Apply;
using Paas.Testing.Kubernetes.Defaulting;
using Paas.Testing.Kubernetes.Json;
using Paas.Testing.Kubernetes.Schema;
using Paas.Testing.Kubernetes.Store;
using Paas.Testing.Kubernetes.Validation;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>
/// The API server's registry: every write (from HTTP handlers and from the simulated controllers) goes through here, under
/// the store's lock: defaulting, validation, managedFields, generation, resourceVersion and key order.
/// </summary>
public sealed partial class ClusterState
{
    private static readonly HashSet<string> AdmissionPodFields = ["volumes", "serviceAccountName", "serviceAccount", "tolerations", "priority", "preemptionPolicy"];

    /// <summary>Creates the state.</summary>
    public ClusterState(FakeKubernetesOptions options, OpenApiDocuments documents)
    {
        Options = options;
        Documents = documents;
        Store = new ObjectStore(options.InitialResourceVersion, options.WatchHistorySize);
        Tree = new FieldTree(documents);
        Merger = new Merger(documents);
        Canonicalizer = new Canonicalizer(documents);
        Validator = new OpenApiValidator(documents.Directory);
        Defaulter = new Defaulter(options.NodeName);
    }

    public FakeKubernetesOptions Options { get; }

    public OpenApiDocuments Documents { get; }

    public ObjectStore Store { get; }

    public FieldTree Tree { get; }

    public Merger Merger { get; }

    public Canonicalizer Canonicalizer { get; }

    public OpenApiValidator Validator { get; }

    public Defaulter Defaulter { get; }

    /// <summary>Called (under the lock) when a pod was marked for graceful deletion and must be stopped by the kubelet.</summary>
    public Action<JsonObject>? PodTerminating { get; set; }

    /// <summary>The object with kind and apiVersion, copied, or null.</summary>
    public JsonObject? Get(ApiResource r, string ns, string name) => Store.Get(r, ns, name) is { } o ? KubeJson.CloneObject(o) : null;

    /// <summary>Checks that the namespace exists and is not terminating (for creates).</summary>
    public void CheckNamespaceForCreate(ApiResource r, string ns, string name)
    {
        if (!r.Namespaced)
        {
            return;
        }

        var namespaceObject = Store.Get(ApiResources.Namespaces, string.Empty, ns) ?? throw Statuses.NotFound(ApiResources.Namespaces, ns);
        if (KubeJson.Str(namespaceObject, "metadata", "deletionTimestamp") is not null)
        {
            throw Statuses.NamespaceTerminating(r, name, ns);
        }
    }

    /// <summary>Creates an object (POST, or a controller); <paramref name="body"/> is consumed.</summary>
    public JsonObject Create(ApiResource r, string ns, JsonObject body, string manager, bool dryRun = false)
    {
        var meta = KubeJson.Obj(body, "metadata");
        if (r.Namespaced)
        {
            var bodyNs = KubeJson.Str(meta, "namespace");
            if (bodyNs is not null && bodyNs != ns)
            {
                throw Statuses.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
        }

        var name = KubeJson.Str(meta, "name");
        if (string.IsNullOrEmpty(name) && KubeJson.Str(meta, "generateName") is { } generateName)
        {
            name = generateName + Defaulter.RandomSuffix(5);
            while (Store.Get(r, ns, name) is not null)
            {
                name = generateName + Defaulter.RandomSuffix(5);
            }
        }

        name ??= string.Empty;
        CheckNamespaceForCreate(r, ns, name);
        if (name.Length > 0 && Store.Get(r, ns, name) is not null)
        {
            throw Statuses.AlreadyExists(r, name);
        }

        var obj = NewObject(r, ns, name, body);
        Defaulter.Apply(r, obj, creating: true);
        ObjectValidator.Validate(r, obj);
        var treeSource = KubeJson.CloneObject(obj);
        if (r.Kind == "Pod" && treeSource["spec"] is JsonObject ps)
        {
            foreach (var f in AdmissionPodFields)
            {
                ps.Remove(f);
            }

            foreach (var c in (ps["containers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                c.Remove("volumeMounts");
            }
        }

        var createTree = Tree.Build(treeSource, dots: true);
        if (createTree.Count > 0)
        {
            KubeJson.Obj(obj, "metadata")["managedFields"] = new JsonArray(ManagedEntry(manager, "Update", r.ApiVersion, createTree, null));
        }
        return dryRun ? Finish(obj) : Commit(r, obj);
    }

    private JsonObject NewObject(ApiResource r, string ns, string name, JsonObject body)
    {
        var bodyMeta = body["metadata"] as JsonObject ?? [];
        var meta = new JsonObject { ["name"] = name };
        if (bodyMeta["generateName"] is { } gn)
        {
            meta["generateName"] = gn.DeepClone();
        }

        if (r.Namespaced)
        {
            meta["namespace"] = ns;
        }

        meta["uid"] = Guid.NewGuid().ToString();
        meta["resourceVersion"] = "0";
        if (r.HasGeneration)
        {
            meta["generation"] = 1;
        }

        meta["creationTimestamp"] = KubeJson.Time(KubeClock.Now);
        foreach (var key in new[] { "labels", "annotations", "ownerReferences", "finalizers" })
        {
            if (bodyMeta[key] is { } v)
            {
                meta[key] = v.DeepClone();
            }
        }

        var obj = new JsonObject { ["kind"] = r.Kind, ["apiVersion"] = r.ApiVersion, ["metadata"] = meta };
        foreach (var (k, v) in body)
        {
            if (k is not ("kind" or "apiVersion" or "metadata" or "status"))
            {
                obj[k] = v?.DeepClone();
            }
        }

        if (body["status"] is { } status && r.Kind is "Event" or "EndpointSlice")
        {
            obj["status"] = status.DeepClone();
        }

        return obj;
    }

    /// <summary>A managedFields entry in the recorded key order.</summary>
    public static JsonObject ManagedEntry(string manager, string operation, string apiVersion, JsonObject fields, string? subresource)
    {
        var e = new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = operation,
            ["apiVersion"] = apiVersion,
            ["time"] = KubeJson.Time(KubeClock.Now),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = fields,
        };
        if (subresource is not null)
        {
            e["subresource"] = subresource;
        }

        return e;
    }

    /// <summary>
    /// Replaces an object (PUT, patches, controllers): keeps server-owned metadata, defaults, validates, bumps generation on a
    /// spec change, records an Update managedFields entry for the changed fields; a write that changes nothing changes
    /// nothing (same resourceVersion).
    /// </summary>
    /// <param name="r">The resource.</param>
    /// <param name="ns">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="desired">The new object (consumed).</param>
    /// <param name="manager">The field manager.</param>
    /// <param name="subresource"><c>status</c>, <c>scale</c> or null.</param>
    /// <param name="expectedResourceVersion">The resourceVersion the client based its write on, or null for unconditional.</param>
    public JsonObject Update(ApiResource r, string ns, string name, JsonObject desired, string manager, string? subresource = null, string? expectedResourceVersion = null)
    {
        var live = Store.Get(r, ns, name) ?? throw Statuses.NotFound(r, name);
        if (expectedResourceVersion is not null && expectedResourceVersion != KubeJson.Str(live, "metadata", "resourceVersion"))
        {
            throw Statuses.Conflict(r, name);
        }

        var next = KubeJson.CloneObject(live);
        if (subresource == "status")
        {
            next["status"] = desired["status"]?.DeepClone();
        }
        else
        {
            foreach (var key in next.Select(p => p.Key).ToList())
            {
                if (key is not ("kind" or "apiVersion" or "metadata" or "status"))
                {
                    next.Remove(key);
                }
            }

            foreach (var (k, v) in desired)
            {
                if (k is not ("kind" or "apiVersion" or "metadata" or "status") || (k == "status" && !r.HasStatus))
                {
                    next[k] = v?.DeepClone();
                }
            }

            var meta = KubeJson.Obj(next, "metadata");
            var desiredMeta = desired["metadata"] as JsonObject ?? [];
            foreach (var key in new[] { "labels", "annotations", "ownerReferences", "finalizers" })
            {
                if (desiredMeta[key] is { } v)
                {
                    meta[key] = v.DeepClone();
                }
                else
                {
                    meta.Remove(key);
                }
            }
        }

        return CommitChange(r, live, next, manager, "Update", subresource, null);
    }

    /// <summary>Finishes a change: defaults, validation, managedFields, generation, rv; a no-op returns the live object.</summary>
    internal JsonObject CommitChange(ApiResource r, JsonObject live, JsonObject next, string manager, string operation, string? subresource, JsonObject? applyTree)
    {
        Defaulter.Apply(r, next, creating: false);
        ObjectValidator.Validate(r, next);
        if (subresource is null && manager is not ("kube-controller-manager" or "kube-scheduler" or "kubelet"))
        {
            UpdateValidator.Validate(r, live, next);
        }

        var meta = KubeJson.Obj(next, "metadata");
        var entries = (meta["managedFields"] as JsonArray)?.DeepClone() as JsonArray ?? [];
        var changedLeaves = ChangedLeaves(live, next, subresource == "status");
        var ownershipChanged = false;
        if (applyTree is not null)
        {
            ownershipChanged = SetEntry(entries, manager, operation, r.ApiVersion, subresource, applyTree, replace: true);
        }
        else if (changedLeaves.Count > 0)
        {
            var changedTree = new JsonObject();
            var full = subresource == "status" ? Tree.Build(next, dots: true, statusOnly: true) : Tree.Build(next, dots: true);
            foreach (var leaf in changedLeaves)
            {
                if (FieldTree.Contains(full, leaf))
                {
                    FieldTree.Add(changedTree, leaf);
                }
            }

            AddDots(changedTree, full);
            ownershipChanged = SetEntry(entries, manager, operation, r.ApiVersion, subresource, changedTree, replace: false);
            foreach (var other in entries.OfType<JsonObject>().ToList())
            {
                if (IsEntry(other, manager, operation, subresource) || other["fieldsV1"] is not JsonObject t)
                {
                    continue;
                }

                foreach (var leaf in changedLeaves)
                {
                    FieldTree.Remove(t, leaf);
                }

                if (t.Count == 0)
                {
                    entries.Remove(other);
                }
            }
        }

        if (changedLeaves.Count == 0 && !ownershipChanged && KubeJson.Same(Strip(live), Strip(next)))
        {
            return KubeJson.CloneObject(live);
        }

        foreach (var empty in entries.OfType<JsonObject>().Where(e => e["fieldsV1"] is JsonObject { Count: 0 }).ToList())
        {
            entries.Remove(empty);
        }

        if (entries.Count > 0)
        {
            meta["managedFields"] = entries;
        }
        else
        {
            meta.Remove("managedFields");
        }

        if (r.HasGeneration && SpecChanged(r, live, next))
        {
            meta["generation"] = (KubeJson.Long(live, "metadata", "generation") ?? 0) + 1;
        }

        return Commit(r, next);
    }

    private static void AddDots(JsonObject changed, JsonObject full)
    {
        foreach (var (k, v) in changed.ToList())
        {
            if (full[k] is JsonObject f && v is JsonObject c && c.Count > 0)
            {
                if (f.ContainsKey(".") && !c.ContainsKey("."))
                {
                    c["."] = new JsonObject();
                    FieldTree.Sort(c);
                }

                AddDots(c, f);
            }
        }
    }

    private static bool IsEntry(JsonObject e, string manager, string operation, string? subresource) =>
        KubeJson.Str(e, "manager") == manager && KubeJson.Str(e, "operation") == operation && KubeJson.Str(e, "subresource") == subresource;

    private static bool SetEntry(JsonArray entries, string manager, string operation, string apiVersion, string? subresource, JsonObject tree, bool replace)
    {
        var existing = entries.OfType<JsonObject>().FirstOrDefault(e => IsEntry(e, manager, operation, subresource));
        if (existing is null)
        {
            if (tree.Count > 0)
            {
                entries.Add(ManagedEntry(manager, operation, apiVersion, tree, subresource));
                return true;
            }

            return false;
        }

        var current = existing["fieldsV1"] as JsonObject ?? [];
        JsonObject merged;
        if (replace)
        {
            merged = tree;
        }
        else
        {
            merged = (JsonObject)current.DeepClone();
            foreach (var leaf in FieldTree.Leaves(tree))
            {
                FieldTree.Add(merged, leaf);
            }

            AddDots(merged, tree);
        }

        var changed = !KubeJson.Same(current, merged);
        existing["fieldsV1"] = merged;
        existing["apiVersion"] = apiVersion;
        existing["time"] = KubeJson.Time(KubeClock.Now);
        return changed;
    }

    private List<FieldPath> ChangedLeaves(JsonObject live, JsonObject next, bool statusOnly)
    {
        var before = Tree.Build(live, dots: false, statusOnly);
        var after = Tree.Build(next, dots: false, statusOnly);
        var result = new List<FieldPath>();
        foreach (var leaf in FieldTree.Leaves(after))
        {
            var (a, _) = FieldTree.ValueAt(live, leaf);
            var (b, _) = FieldTree.ValueAt(next, leaf);
            if (!FieldTree.Contains(before, leaf) || !KubeJson.Same(a, b))
            {
                result.Add(leaf);
            }
        }

        foreach (var leaf in FieldTree.Leaves(before))
        {
            if (!FieldTree.Contains(after, leaf))
            {
                result.Add(leaf);
            }
        }

        return result;
    }

    private static bool SpecChanged(ApiResource r, JsonObject live, JsonObject next)
    {
        if (r.HasStatus)
        {
            return !KubeJson.Same(live["spec"], next["spec"]);
        }

        foreach (var key in live.Select(p => p.Key).Union(next.Select(p => p.Key)))
        {
            if (key is "metadata" or "kind" or "apiVersion")
            {
                continue;
            }

            if (!KubeJson.Same(live[key], next[key]))
            {
                return true;
            }
        }

        return false;
    }

    private static JsonObject Strip(JsonObject o)
    {
        var c = KubeJson.CloneObject(o);
        if (c["metadata"] is JsonObject m)
        {
            m.Remove("managedFields");
            m.Remove("resourceVersion");
        }

        return c;
    }

    /// <summary>Canonical key order.</summary>
    public JsonObject Finish(JsonObject obj)
    {
        Canonicalizer.Canonicalize(obj);
        return obj;
    }

    /// <summary>Stores the object with a new resourceVersion; returns a copy.</summary>
    public JsonObject Commit(ApiResource r, JsonObject obj)
    {
        Finish(obj);
        var rv = Store.Next();
        KubeJson.Obj(obj, "metadata")["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Store.Put(r, obj, rv);
        return KubeJson.CloneObject(obj);
    }

    /// <summary>Writes a status computed by a controller (manager <c>kube-controller-manager</c>, subresource status).</summary>
    public JsonObject? WriteStatus(ApiResource r, JsonObject live, JsonNode status, string manager = "kube-controller-manager")
    {
        if (KubeJson.Same(live["status"], status))
        {
            return null;
        }

        var next = KubeJson.CloneObject(live);
        next["status"] = status.DeepClone();
        return CommitChange(r, live, next, manager, "Update", "status", null);
    }
}
