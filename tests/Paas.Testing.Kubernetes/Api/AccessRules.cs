namespace Paas.Testing.Kubernetes.Api;

/// <summary>RBAC denials and quota refusals set by tests.</summary>
public sealed class AccessRules
{
    private readonly List<(string Verb, string Group, string Resource, string? User)> _denied = [];
    private readonly List<(string Group, string Resource, string? Namespace, string Message)> _quota = [];

    /// <summary>Denies a verb on a resource (<c>deployments</c> or <c>deployments/scale</c>) to one user or (null) everyone.</summary>
    public void Deny(string verb, string group, string resource, string? user)
    {
        lock (_denied)
        {
            _denied.Add((verb, group, resource, user));
        }
    }

    /// <summary>Refuses creates of a resource as an exhausted ResourceQuota does.</summary>
    public void Quota(string group, string resource, string? ns, string message)
    {
        lock (_quota)
        {
            _quota.Add((group, resource, ns, message));
        }
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_denied)
        {
            _denied.Clear();
        }

        lock (_quota)
        {
            _quota.Clear();
        }
    }

    /// <summary>Whether the request is denied.</summary>
    public bool IsDenied(string verb, string group, string resource, string user)
    {
        lock (_denied)
        {
            return _denied.Any(d => (d.Verb == verb || d.Verb == "*") && d.Group == group && (d.Resource == resource || d.Resource == "*") && (d.User is null || d.User == user));
        }
    }

    /// <summary>The quota message for a create, or null.</summary>
    public string? QuotaMessage(string group, string resource, string ns)
    {
        lock (_quota)
        {
            return _quota.FirstOrDefault(q => q.Group == group && q.Resource == resource && (q.Namespace is null || q.Namespace == ns)).Message;
        }
    }
}
