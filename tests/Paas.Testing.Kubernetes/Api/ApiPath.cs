namespace Paas.Testing.Kubernetes.Api;

/// <summary>A parsed resource path: <c>/api/v1/namespaces/NS/pods/NAME/log</c>, <c>/apis/apps/v1/deployments</c>...</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Namespace">The namespace, or null for cluster-wide requests.</param>
/// <param name="Name">The object name, or null for collections.</param>
/// <param name="Subresource">The subresource (<c>status</c>, <c>scale</c>, <c>log</c>, <c>exec</c>, <c>attach</c>, <c>eviction</c>), or null.</param>
public sealed record ApiPath(ApiResource Resource, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Parses a path; null when it names no served resource.</summary>
    public static ApiPath? Parse(string path)
    {
        var s = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group;
        string version;
        int i;
        if (s.Length >= 3 && s[0] == "api")
        {
            (group, version, i) = (string.Empty, s[1], 2);
        }
        else if (s.Length >= 4 && s[0] == "apis")
        {
            (group, version, i) = (s[1], s[2], 3);
        }
        else
        {
            return null;
        }

        string? ns = null;
        if (s[i] == "namespaces" && s.Length > i + 2 && ApiResources.Find(group, version, s[i + 2]) is { Namespaced: true })
        {
            ns = s[i + 1];
            i += 2;
        }

        var resource = ApiResources.Find(group, version, s[i]);
        if (resource is null || s.Length > i + 3)
        {
            return null;
        }

        var name = s.Length > i + 1 ? Uri.UnescapeDataString(s[i + 1]) : null;
        var sub = s.Length > i + 2 ? s[i + 2] : null;
        return new ApiPath(resource, ns, name, sub);
    }
}
