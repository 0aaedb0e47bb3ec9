namespace Paas.Testing.Kubernetes.Api;

/// <summary>The resources the fake serves.</summary>
public static class ApiResources
{
    public static readonly ApiResource Namespaces = new("", "v1", "namespaces", "Namespace", false, false, true, true);
    public static readonly ApiResource Secrets = new("", "v1", "secrets", "Secret", true, false, false, false);
    public static readonly ApiResource ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true, false, false, false);
    public static readonly ApiResource Services = new("", "v1", "services", "Service", true, false, true, true);
    public static readonly ApiResource Pods = new("", "v1", "pods", "Pod", true, false, true, true);
    public static readonly ApiResource Events = new("", "v1", "events", "Event", true, false, false, false);
    public static readonly ApiResource Endpoints = new("", "v1", "endpoints", "Endpoints", true, false, false, false);
    public static readonly ApiResource ServiceAccounts = new("", "v1", "serviceaccounts", "ServiceAccount", true, false, false, false);
    public static readonly ApiResource Deployments = new("apps", "v1", "deployments", "Deployment", true, true, true, false);
    public static readonly ApiResource ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet", true, true, true, false);
    public static readonly ApiResource EndpointSlices = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, true, false, false);
    public static readonly ApiResource HorizontalPodAutoscalers = new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, false, true, false);
    public static readonly ApiResource PodDisruptionBudgets = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, true, true, false);

    /// <summary>networking.k8s.io/v1 NetworkPolicy: no status (every spec change moves generation); DELETE answers a Success Status.</summary>
    public static readonly ApiResource NetworkPolicies = new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, true, false, false);

    /// <summary>Every resource.</summary>
    public static readonly IReadOnlyList<ApiResource> All =
    [
        Namespaces, Secrets, ConfigMaps, Services, Pods, Events, Endpoints, ServiceAccounts, Deployments, ReplicaSets, EndpointSlices,
        HorizontalPodAutoscalers, PodDisruptionBudgets, NetworkPolicies,
    ];

    /// <summary>Finds a resource by group, version and plural.</summary>
    public static ApiResource? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    /// <summary>Finds a resource by apiVersion and kind.</summary>
    public static ApiResource? ByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(r => r.ApiVersion == apiVersion && r.Kind == kind);
}
