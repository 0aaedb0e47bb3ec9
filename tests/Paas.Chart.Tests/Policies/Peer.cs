namespace Paas.Chart.Tests.Policies;

/// <summary>One end of a connection: a pod (namespace and labels) or an address outside the cluster.</summary>
/// <param name="Name">For messages.</param>
/// <param name="Namespace">The pod's namespace; null outside the cluster.</param>
/// <param name="Labels">The pod's labels.</param>
/// <param name="Address">The IPv4 address of something outside the cluster; null for pods.</param>
internal sealed record Peer(string Name, string? Namespace, IReadOnlyDictionary<string, string> Labels, string? Address = null)
{
    /// <summary>The labels of the pod's namespace (Kubernetes sets kubernetes.io/metadata.name).</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels =>
        Namespace is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = Namespace };

    public static Peer Outside(string name, string address) => new(name, null, new Dictionary<string, string>(), address);

    public override string ToString() => Name;
}
