using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Paas.Testing.Kubernetes.Apply;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>POST, PUT, PATCH and DELETE.</summary>
public sealed partial class ApiHandler
{
    private JsonObject Create(ApiPath p, JsonObject body, string manager, bool dryRun)
    {
        if (p.Subresource is not null)
        {
            throw Statuses.PathNotFound();
        }

        CheckBodyType(p.Resource, body);
        var ns = p.Namespace ?? string.Empty;
        if (p.Resource.Namespaced && p.Namespace is null)
        {
            throw Statuses.PathNotFound();
        }

        if (server.Access.QuotaMessage(p.Resource.Group, p.Resource.Plural, ns) is { } quota)
        {
            var name = KubeJson.Str(body, "metadata", "name") ?? string.Empty;
            throw new ApiException(Statuses.Failure(403, "Forbidden", $"{p.Resource.QualifiedPlural} \"{name}\" is forbidden: {quota}", Statuses.Details(name, p.Resource.Group, p.Resource.Plural)));
        }

        lock (State.Store.Sync)
        {
            return State.Create(p.Resource, ns, body, manager, dryRun);
        }
    }

    private JsonObject Replace(ApiPath p, JsonObject body, string manager)
    {
        if (p.Subresource == "scale")
        {
            return ScaleWrite(p, body["spec"]?["replicas"], manager, KubeJson.Str(body, "metadata", "resourceVersion"));
        }

        CheckBodyType(p.Resource, body);
        CheckName(p, body);
        lock (State.Store.Sync)
        {
            var rv = KubeJson.Str(body, "metadata", "resourceVersion");
            return State.Update(p.Resource, p.Namespace ?? string.Empty, p.Name!, body, manager, p.Subresource, rv);
        }
    }

    private static void CheckName(ApiPath p, JsonObject body)
    {
        var bodyName = KubeJson.Str(body, "metadata", "name");
        if (bodyName is not null && bodyName != p.Name)
        {
            throw Statuses.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({p.Name})");
        }

        var bodyNs = KubeJson.Str(body, "metadata", "namespace");
        if (p.Resource.Namespaced && bodyNs is not null && bodyNs != p.Namespace)
        {
            throw Statuses.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    private (int Status, JsonObject Body) Patch(HttpContext ctx, ApiPath p, string body)
    {
        var contentType = (ctx.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
        var q = ctx.Request.Query;
        var ns = p.Namespace ?? string.Empty;
        if (contentType == "application/apply-patch+yaml")
        {
            var fieldManager = q["fieldManager"].ToString();
            if (fieldManager.Length == 0)
            {
                throw Statuses.Invalid("PatchOptions.meta.k8s.io", "meta.k8s.io", "PatchOptions", string.Empty, [new FieldCause("FieldValueRequired", "Required value: is required for apply patch", "fieldManager")]);
            }

            JsonObject applied;
            try
            {
                applied = JsonNode.Parse(body) as JsonObject ?? throw Statuses.BadRequest("error decoding YAML: the fake accepts JSON apply bodies only (JSON is valid YAML)");
            }
            catch (JsonException)
            {
                throw Statuses.BadRequest("error decoding YAML: the fake accepts JSON apply bodies only (JSON is valid YAML)");
            }

            if (p.Subresource is not null)
            {
                throw Statuses.BadRequest($"the fake does not support apply on the {p.Subresource} subresource");
            }

            var apiVersion = KubeJson.Str(applied, "apiVersion");
            var kind = KubeJson.Str(applied, "kind");
            if (apiVersion != p.Resource.ApiVersion || kind != p.Resource.Kind)
            {
                throw Statuses.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({p.Resource.ApiVersion})");
            }

            CheckName(p, applied);
            if (KubeJson.Str(applied, "metadata", "name") is null)
            {
                throw Statuses.BadRequest("metadata.name: Required value: name is required");
            }

            lock (State.Store.Sync)
            {
                var exists = State.Store.Get(p.Resource, ns, p.Name!) is not null;
                if (!exists && server.Access.QuotaMessage(p.Resource.Group, p.Resource.Plural, ns) is { } quota)
                {
                    throw new ApiException(Statuses.Failure(403, "Forbidden", $"{p.Resource.QualifiedPlural} \"{p.Name}\" is forbidden: {quota}", Statuses.Details(p.Name, p.Resource.Group, p.Resource.Plural)));
                }

                var result = State.Apply(p.Resource, ns, p.Name!, applied, fieldManager, q["force"].ToString() == "true", out var created);
                return (created ? 201 : 200, result);
            }
        }

        if (contentType is not ("application/merge-patch+json" or "application/strategic-merge-patch+json"))
        {
            throw new ApiException(Statuses.Failure(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (the fake does not implement {contentType})", null));
        }

        JsonObject patch;
        try
        {
            patch = JsonNode.Parse(body) as JsonObject ?? throw Statuses.BadRequest("the patch must be a JSON object");
        }
        catch (JsonException e)
        {
            throw Statuses.BadRequest($"error decoding patch: {e.Message}");
        }

        var manager = Manager(ctx);
        if (p.Subresource == "scale")
        {
            lock (State.Store.Sync)
            {
                var live = State.Get(p.Resource, ns, p.Name!) ?? throw Statuses.NotFound(p.Resource, p.Name!);
                var scale = (JsonObject)Merger.MergePatch(ApiHandler.Scale(live), patch)!;
                return (200, ScaleWrite(p, scale["spec"]?["replicas"], manager, null));
            }
        }

        lock (State.Store.Sync)
        {
            var live = State.Get(p.Resource, ns, p.Name!) ?? throw Statuses.NotFound(p.Resource, p.Name!);
            JsonObject patched;
            if (contentType == "application/merge-patch+json")
            {
                patched = (JsonObject)Merger.MergePatch(live, patch)!;
            }
            else
            {
                patched = KubeJson.CloneObject(live);
                State.Merger.StrategicMerge(patched, patch, State.Merger.KindSchema(live));
            }

            CheckBodyType(p.Resource, patched);
            CheckName(p, patched);
            var rv = KubeJson.Str(patch, "metadata", "resourceVersion");
            return (200, State.Update(p.Resource, ns, p.Name!, patched, manager, p.Subresource, rv));
        }
    }

    private JsonObject ScaleWrite(ApiPath p, JsonNode? replicas, string manager, string? expectedRv)
    {
        if (p.Resource.Kind is not ("Deployment" or "ReplicaSet"))
        {
            throw Statuses.PathNotFound();
        }

        lock (State.Store.Sync)
        {
            var ns = p.Namespace ?? string.Empty;
            var live = State.Get(p.Resource, ns, p.Name!) ?? throw Statuses.NotFound(p.Resource, p.Name!);
            if (replicas is not JsonValue v || !v.TryGetValue<long>(out var n))
            {
                throw Statuses.BadRequest("Scale in version \"v1\" cannot be handled as a Scale: spec.replicas must be an integer");
            }

            if (n < 0)
            {
                throw Statuses.Invalid("Scale.autoscaling", "autoscaling", "Scale", p.Name, [new FieldCause("FieldValueInvalid", $"Invalid value: {n}: must be greater than or equal to 0", "spec.replicas")]);
            }

            var next = KubeJson.CloneObject(live);
            KubeJson.Obj(next, "spec")["replicas"] = n;
            var updated = State.Update(p.Resource, ns, p.Name!, next, manager, "scale", expectedRv);
            return ApiHandler.Scale(updated);
        }
    }

    private JsonObject Delete(ApiPath p, string body, IQueryCollection q)
    {
        var propagation = q["propagationPolicy"].ToString();
        long? grace = long.TryParse(q["gracePeriodSeconds"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) ? g : null;
        if (body.Length > 0 && JsonNode.Parse(body) is JsonObject options)
        {
            propagation = KubeJson.Str(options, "propagationPolicy") ?? propagation;
            grace = KubeJson.Long(options, "gracePeriodSeconds") ?? grace;
            if (options["orphanDependents"] is JsonValue od && od.TryGetValue<bool>(out var orphan) && orphan)
            {
                propagation = "Orphan";
            }
        }

        lock (State.Store.Sync)
        {
            return State.Delete(p.Resource, p.Namespace ?? string.Empty, p.Name!, propagation.Length == 0 ? null : propagation, grace);
        }
    }

    private JsonObject DeleteCollection(ApiPath p, ListQuery query)
    {
        lock (State.Store.Sync)
        {
            var items = new JsonArray();
            foreach (var o in State.Store.List(p.Resource, p.Namespace).Where(query.Matches).ToList())
            {
                var ns = KubeJson.Str(o, "metadata", "namespace") ?? string.Empty;
                var result = State.Delete(p.Resource, ns, KubeJson.Str(o, "metadata", "name")!, null, null);
                if (KubeJson.Str(result, "kind") != "Status")
                {
                    result.Remove("kind");
                    result.Remove("apiVersion");
                    items.Add(result);
                }
            }

            return new JsonObject
            {
                ["kind"] = p.Resource.ListKind,
                ["apiVersion"] = p.Resource.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = State.Store.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
                ["items"] = items,
            };
        }
    }

    private JsonObject Evict(ApiPath p, string manager)
    {
        _ = manager;
        if (p.Resource.Kind != "Pod")
        {
            throw Statuses.PathNotFound();
        }

        lock (State.Store.Sync)
        {
            var ns = p.Namespace ?? string.Empty;
            var pod = State.Get(p.Resource, ns, p.Name!) ?? throw Statuses.NotFound(p.Resource, p.Name!);
            foreach (var pdb in State.Store.List(ApiResources.PodDisruptionBudgets, ns))
            {
                if (!Selection.LabelSelector.FromObject(pdb["spec"]?["selector"] as JsonObject).Matches(KubeJson.Labels(pod)))
                {
                    continue;
                }

                var (healthy, desired, _) = Controllers.DisruptionMath.Compute(State, pdb);
                if (healthy - desired <= 0)
                {
                    throw new ApiException(Statuses.Failure(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
                        new JsonObject { ["causes"] = Statuses.Causes([new FieldCause("DisruptionBudget", $"The disruption budget {KubeJson.Str(pdb, "metadata", "name")} needs {desired} healthy pods and has {healthy} currently", null)]) }));
                }
            }

            State.Delete(p.Resource, ns, p.Name!, null, null);
            return new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 };
        }
    }
}
