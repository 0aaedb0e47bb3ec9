namespace Paas.Testing.Kubernetes.Schema;

/// <summary>
/// The order in which the Go structs serialize their fields (the recorded bodies follow it; the OpenAPI documents list
/// properties alphabetically). Keyed by the schema's short name; types not listed keep the order they were written in.
/// </summary>
public static class GoFieldOrder
{
    private static readonly string[] TopLevel = ["kind", "apiVersion", "metadata"];

    private static readonly Dictionary<string, string[]> Orders = new(StringComparer.Ordinal)
    {
        ["ObjectMeta"] = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields"],
        ["OwnerReference"] = ["apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"],
        ["ManagedFieldsEntry"] = ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource"],
        ["Deployment"] = [.. TopLevel, "spec", "status"],
        ["DeploymentSpec"] = ["replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit", "paused", "progressDeadlineSeconds"],
        ["DeploymentStrategy"] = ["type", "rollingUpdate"],
        ["RollingUpdateDeployment"] = ["maxUnavailable", "maxSurge"],
        ["DeploymentStatus"] = ["observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas", "conditions", "collisionCount"],
        ["DeploymentCondition"] = ["type", "status", "lastUpdateTime", "lastTransitionTime", "reason", "message"],
        ["ReplicaSet"] = [.. TopLevel, "spec", "status"],
        ["ReplicaSetSpec"] = ["replicas", "minReadySeconds", "selector", "template"],
        ["ReplicaSetStatus"] = ["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration", "conditions"],
        ["LabelSelector"] = ["matchLabels", "matchExpressions"],
        ["LabelSelectorRequirement"] = ["key", "operator", "values"],
        ["PodTemplateSpec"] = ["metadata", "spec"],
        ["Pod"] = [.. TopLevel, "spec", "status"],
        ["PodSpec"] = ["volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy", "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector", "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName", "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "securityContext", "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName", "tolerations", "hostAliases", "priorityClassName", "priority", "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead", "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates", "resourceClaims"],
        ["Container"] = ["name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources", "resizePolicy", "restartPolicy", "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty"],
        ["ContainerPort"] = ["name", "hostPort", "containerPort", "protocol", "hostIP"],
        ["EnvVar"] = ["name", "value", "valueFrom"],
        ["EnvFromSource"] = ["prefix", "configMapRef", "secretRef"],
        ["ResourceRequirements"] = ["limits", "requests", "claims"],
        ["Probe"] = ["exec", "httpGet", "tcpSocket", "grpc", "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold", "terminationGracePeriodSeconds"],
        ["HTTPGetAction"] = ["path", "port", "host", "scheme", "httpHeaders"],
        ["TCPSocketAction"] = ["port", "host"],
        ["VolumeMount"] = ["name", "readOnly", "mountPath", "subPath", "mountPropagation", "subPathExpr"],
        ["Volume"] = ["name", "hostPath", "emptyDir", "secret", "configMap", "projected", "downwardAPI"],
        ["Toleration"] = ["key", "operator", "value", "effect", "tolerationSeconds"],
        ["PodStatus"] = ["phase", "conditions", "message", "reason", "nominatedNodeName", "hostIP", "hostIPs", "podIP", "podIPs", "startTime", "initContainerStatuses", "containerStatuses", "qosClass", "ephemeralContainerStatuses", "resize"],
        ["PodCondition"] = ["type", "status", "lastProbeTime", "lastTransitionTime", "reason", "message"],
        ["ContainerStatus"] = ["name", "state", "lastState", "ready", "restartCount", "image", "imageID", "containerID", "started"],
        ["ContainerState"] = ["waiting", "running", "terminated"],
        ["ContainerStateWaiting"] = ["reason", "message"],
        ["ContainerStateTerminated"] = ["exitCode", "signal", "reason", "message", "startedAt", "finishedAt", "containerID"],
        ["Service"] = [.. TopLevel, "spec", "status"],
        ["ServiceSpec"] = ["ports", "selector", "clusterIP", "clusterIPs", "type", "externalIPs", "sessionAffinity", "loadBalancerIP", "loadBalancerSourceRanges", "externalName", "externalTrafficPolicy", "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig", "ipFamilies", "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy"],
        ["ServicePort"] = ["name", "protocol", "appProtocol", "port", "targetPort", "nodePort"],
        ["ServiceStatus"] = ["loadBalancer", "conditions"],
        ["Namespace"] = [.. TopLevel, "spec", "status"],
        ["NamespaceStatus"] = ["phase", "conditions"],
        ["Secret"] = [.. TopLevel, "immutable", "data", "stringData", "type"],
        ["ConfigMap"] = [.. TopLevel, "immutable", "data", "binaryData"],
        ["Endpoints"] = [.. TopLevel, "subsets"],
        ["EndpointSubset"] = ["addresses", "notReadyAddresses", "ports"],
        ["EndpointAddress"] = ["ip", "hostname", "nodeName", "targetRef"],
        ["EndpointPort"] = ["name", "port", "protocol", "appProtocol"],
        ["ObjectReference"] = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"],
        ["Event"] = [.. TopLevel, "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance"],
        ["EventSource"] = ["component", "host"],
        ["NetworkPolicy"] = [.. TopLevel, "spec"],
        ["NetworkPolicySpec"] = ["podSelector", "ingress", "egress", "policyTypes"],
        ["NetworkPolicyIngressRule"] = ["ports", "from"],
        ["NetworkPolicyEgressRule"] = ["ports", "to"],
        ["NetworkPolicyPort"] = ["protocol", "port", "endPort"],
        ["NetworkPolicyPeer"] = ["podSelector", "namespaceSelector", "ipBlock"],
        ["IPBlock"] = ["cidr", "except"],
        ["HorizontalPodAutoscaler"] = [.. TopLevel, "spec", "status"],
        ["HorizontalPodAutoscalerSpec"] = ["scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior"],
        ["CrossVersionObjectReference"] = ["kind", "name", "apiVersion"],
        ["MetricSpec"] = ["type", "object", "pods", "resource", "containerResource", "external"],
        ["ResourceMetricSource"] = ["name", "target"],
        ["MetricTarget"] = ["type", "value", "averageValue", "averageUtilization"],
        ["HorizontalPodAutoscalerStatus"] = ["observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas", "currentMetrics", "conditions"],
        ["HorizontalPodAutoscalerCondition"] = ["type", "status", "lastTransitionTime", "reason", "message"],
        ["Scale"] = [.. TopLevel, "spec", "status"],
    };

    /// <summary>The Go order of a type's fields, or null when unknown.</summary>
    public static IReadOnlyList<string>? For(string? typeName) => typeName is not null && Orders.TryGetValue(typeName, out var o) ? o : null;

    /// <summary>The order for the top level of a kind (also for kinds without a recorded schema).</summary>
    public static IReadOnlyList<string> ForKind(string kind) => For(kind) ?? kind switch
    {
        "EndpointSlice" => [.. TopLevel, "addressType", "endpoints", "ports"],
        _ => [.. TopLevel, "spec", "status"],
    };
}
