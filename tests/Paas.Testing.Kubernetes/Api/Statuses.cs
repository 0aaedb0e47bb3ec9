using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>Builds the <c>Status</c> objects the recordings show.</summary>
public static class Statuses
{
    /// <summary>A failure Status.</summary>
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details)
    {
        var s = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            s["details"] = details;
        }

        s["code"] = code;
        return s;
    }

    /// <summary><c>details</c> with name, group (left out for core) and kind, in that order.</summary>
    public static JsonObject Details(string? name, string group, string kind, IEnumerable<FieldCause>? causes = null)
    {
        var d = new JsonObject();
        if (!string.IsNullOrEmpty(name))
        {
            d["name"] = name;
        }

        if (group.Length > 0)
        {
            d["group"] = group;
        }

        d["kind"] = kind;
        if (causes is not null)
        {
            d["causes"] = Causes(causes);
        }

        return d;
    }

    /// <summary>The causes array.</summary>
    public static JsonArray Causes(IEnumerable<FieldCause> causes)
    {
        var a = new JsonArray();
        foreach (var c in causes)
        {
            var o = new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message };
            if (c.Field is not null)
            {
                o["field"] = c.Field;
            }

            a.Add(o);
        }

        return a;
    }

    public static ApiException NotFound(ApiResource r, string name) =>
        new(Failure(404, "NotFound", $"{r.QualifiedPlural} \"{name}\" not found", Details(name, r.Group, r.Plural)));

    public static ApiException AlreadyExists(ApiResource r, string name) =>
        new(Failure(409, "AlreadyExists", $"{r.QualifiedPlural} \"{name}\" already exists", Details(name, r.Group, r.Plural)));

    public static ApiException Conflict(ApiResource r, string name) =>
        new(Failure(409, "Conflict", $"Operation cannot be fulfilled on {r.QualifiedPlural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", Details(name, r.Group, r.Plural)));

    public static ApiException BadRequest(string message) => new(Failure(400, "BadRequest", message, null));

    public static ApiException Unauthorized() => new(Failure(401, "Unauthorized", "Unauthorized", null));

    public static ApiException MethodNotSupported(ApiResource r, string verb) =>
        new(Failure(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource", Details(null, r.Group, r.Plural)));

    public static ApiException PathNotFound() => new(Failure(404, "NotFound", "the server could not find the requested resource", Details(null, string.Empty, string.Empty)));

    /// <summary>422 Invalid for an object.</summary>
    public static ApiException Invalid(string qualifiedKind, string group, string kind, string? name, IReadOnlyList<FieldCause> causes)
    {
        var parts = causes.Select(c => c.Field is null ? c.Message : $"{c.Field}: {c.Message}").ToList();
        var joined = parts.Count == 1 ? parts[0] : "[" + string.Join(", ", parts) + "]";
        return new(Failure(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {joined}", Details(name, group, kind, causes)));
    }

    /// <summary>403 for an RBAC denial.</summary>
    public static ApiException Forbidden(string user, string verb, ApiResource r, string? subresource, string? ns, string? name)
    {
        var resource = subresource is null ? r.Plural : $"{r.Plural}/{subresource}";
        var what = name is null ? r.QualifiedPlural : $"{r.QualifiedPlural} \"{name}\"";
        var where = r.Namespaced && ns is not null ? $" in the namespace \"{ns}\"" : " at the cluster scope";
        var message = $"{what} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{r.Group}\"{where}";
        return new(Failure(403, "Forbidden", message, Details(name, r.Group, r.Plural)));
    }

    /// <summary>403 for a write into a terminating namespace.</summary>
    public static ApiException NamespaceTerminating(ApiResource r, string name, string ns) =>
        new(Failure(403, "Forbidden", $"{r.QualifiedPlural} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
            Details(name, r.Group, r.Plural, [new FieldCause("NamespaceTerminating", $"namespace {ns} is being terminated", "metadata.namespace")])));

    /// <summary>A success Status for deletions.</summary>
    public static JsonObject DeleteSuccess(ApiResource r, string name, string uid)
    {
        var d = Details(name, r.Group, r.Plural);
        d["uid"] = uid;
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = d,
        };
    }
}
