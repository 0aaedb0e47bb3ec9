using System.Globalization;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Paas.Domain;
using Paas.Kubernetes.Images;
using Paas.Scheduling;
using Paas.Scheduling.Local;
using ResourceQuantity = k8s.Models.ResourceQuantity;

namespace Paas.Kubernetes.Objects;

/// <summary>
/// Builds the desired Kubernetes objects of a release (pure: no I/O, golden-tested). Names and labels come from
/// <see cref="KubernetesNames"/>. What each process gets, per type:
/// <list type="bullet">
/// <item>a Deployment with <c>replicas</c> = the formation's count (left to the HorizontalPodAutoscaler for autoscaled types), the release's image pinned by digest, a rolling update
/// with <c>maxUnavailable: 0</c> and <c>maxSurge: 25%</c> (old processes serve until new ones are ready),
/// <c>terminationGracePeriodSeconds</c> 30 (SIGTERM, then SIGKILL, as Heroku does), no service-account token, no service
/// links;</item>
/// <item>environment: the config vars from a per-release Secret (<c>envFrom</c>; a failed deploy rolled back keeps its own
/// config), then <see cref="DynoEnvironment.Variables"/> as <c>env</c> (which Kubernetes applies over <c>envFrom</c>):
/// <c>PORT</c>, <c>DYNO</c> and <c>PS</c> (the pod's name: Deployments have no stable index), <c>HEROKU_DYNO_ID</c> (the
/// pod's UID), <c>PAAS_*</c> and the release metadata, which that rule leaves out when a config var has the name;</item>
/// <item>resources: the type's <c>limits:set</c> memory as request and limit (default <see cref="KubernetesOptions.DefaultMemory"/>),
/// its CPU limit when set;</item>
/// <item>a readiness probe: the type's <c>healthchecks:set</c> HTTP check; else, for web, TCP on its port (or HTTP GET of the
/// config var <c>PAAS_HEALTHCHECK_PATH</c>, which the local runtime also honours);</item>
/// <item>web only: the container port <c>http</c> (the image's one exposed port, else <see cref="KubernetesOptions.WebPort"/>; see <see cref="ImageStart"/>) and the Service;</item>
/// <item>an autoscaling/v2 HorizontalPodAutoscaler (CPU utilization) per autoscaled type;</item>
/// <item>a PodDisruptionBudget (<c>maxUnavailable: 1</c>) when the type runs more than one process;</item>
/// <item>per app, a NetworkPolicy (<see cref="NetworkPolicy"/>): ingress only from the app's own pods and the router.</item>
/// </list>
/// </summary>
public static class AppObjectsBuilder
{
    /// <summary>Builds the objects of <paramref name="spec"/>.</summary>
    /// <param name="spec">The release and formation.</param>
    /// <param name="options">The scheduler's settings.</param>
    /// <param name="image">The image reference nodes pull (the spec's, with the registry host nodes use).</param>
    /// <param name="start">How the image starts: whether its entrypoint is the platform's launcher (commands are then passed as its argument), and the port its web processes listen on.</param>
    /// <param name="pull">The registry credential for the app's repository, or null.</param>
    /// <returns>The objects.</returns>
    public static AppObjects Build(DeploymentSpec spec, KubernetesOptions options, string image, ImageStart start, RegistryPullCredential? pull)
    {
        var ns = KubernetesNames.Namespace(options.NamespacePrefix, spec.App);
        var deployments = new List<V1Deployment>();
        var budgets = new List<V1PodDisruptionBudget>();
        var autoscalers = new List<V2HorizontalPodAutoscaler>();
        foreach (var (type, command) in spec.ProcessTypes.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var policy = spec.Autoscale.GetValueOrDefault(type);
            var replicas = spec.Formation.GetValueOrDefault(type);
            deployments.Add(Deployment(spec, options, ns, type, command, image, start, policy is null ? replicas : null, pull is not null));
            if (policy is not null)
            {
                autoscalers.Add(Autoscaler(spec.App, ns, type, policy));
            }

            if ((policy?.Min ?? replicas) > 1)
            {
                budgets.Add(DisruptionBudget(spec.App, ns, type));
            }
        }

        return new AppObjects(
            Namespace(spec.App, ns),
            options.NetworkPolicy ? NetworkPolicy(spec.App, ns, options) : null,
            EnvSecret(spec, ns),
            pull is null ? null : PullSecret(spec.App, ns, pull),
            deployments,
            spec.ProcessTypes.ContainsKey(WebType) ? Service(spec.App, ns) : null,
            budgets,
            autoscalers,
            image,
            start);
    }

    /// <summary>Writes <c>.dockerconfigjson</c> as Docker does: no <c>\u002B</c> for the <c>+</c> of pull user names.</summary>
    private static readonly JsonSerializerOptions DockerConfigJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The process type that receives HTTP traffic.</summary>
    public const string WebType = "web";

    /// <summary>The name of the config vars Secret of a release: <c>APP-env-v7</c>.</summary>
    /// <param name="app">The app.</param>
    /// <param name="release">The release version.</param>
    /// <returns>The name.</returns>
    public static string EnvSecretName(string app, int release) => $"{KubernetesNames.EnvSecret(app)}-{KubernetesNames.Release(release)}";

    /// <summary>The container of a process (a Deployment's pods or a one-off run's pod).</summary>
    /// <param name="spec">The release.</param>
    /// <param name="options">The scheduler's settings.</param>
    /// <param name="type">The process type (<see cref="KubernetesNames.RunType"/> for one-off runs).</param>
    /// <param name="command">The command; empty: the image's own entrypoint and cmd.</param>
    /// <param name="image">The image nodes pull.</param>
    /// <param name="start">How the image starts (its launcher, its web port).</param>
    /// <returns>The container.</returns>
    public static V1Container Container(DeploymentSpec spec, KubernetesOptions options, string type, string command, string image, ImageStart start)
    {
        var web = type == WebType;
        var env = DynoEnvironment.Variables(spec, start.WebPort(options)).Select(v => v.Source switch
        {
            DynoValueSource.DynoName => new V1EnvVar { Name = v.Name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
            DynoValueSource.DynoId => new V1EnvVar { Name = v.Name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.uid" } } },
            _ => new V1EnvVar { Name = v.Name, Value = v.Value },
        }).ToList();

        var container = new V1Container
        {
            Name = KubernetesNames.Type(type),
            Image = image,
            ImagePullPolicy = "IfNotPresent",
            EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = EnvSecretName(spec.App, spec.Release) } }],
            Env = env,
            Resources = Resources(spec.Limits.GetValueOrDefault(type), options),
            SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false },
        };
        if (command.Length > 0)
        {
            if (start.Launcher)
            {
                container.Args = [command];
            }
            else
            {
                container.Command = ["/bin/sh", "-c", command];
            }
        }

        var check = spec.HealthChecks.GetValueOrDefault(type);
        if (check is null && web && spec.Config.TryGetValue(LocalRuntimeOptions.HealthCheckPathConfigVar, out var path) && path.StartsWith('/'))
        {
            check = new HealthCheck(path);
        }

        if (web)
        {
            container.Ports = [new V1ContainerPort { Name = KubernetesNames.HttpPortName, ContainerPort = start.WebPort(options), Protocol = "TCP" }];
        }

        if (check is not null && type != KubernetesNames.RunType)
        {
            container.ReadinessProbe = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = check.Path, Port = web ? KubernetesNames.HttpPortName : start.WebPort(options) },
                PeriodSeconds = check.IntervalSeconds,
                TimeoutSeconds = check.TimeoutSeconds,
                FailureThreshold = check.FailureThreshold,
            };
        }
        else if (web)
        {
            container.ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = KubernetesNames.HttpPortName }, PeriodSeconds = 2, FailureThreshold = 3 };
        }

        return container;
    }

    /// <summary>
    /// Requests and limits: memory limit = request (the process's size, Heroku-like, <see cref="KubernetesOptions.DefaultMemory"/>
    /// unless <c>limits:set</c>), a CPU request of <see cref="KubernetesOptions.DefaultCpuRequest"/> (or the CPU limit when it is
    /// lower), and a CPU limit only when one was set.
    /// </summary>
    private static V1ResourceRequirements Resources(ProcessLimits? limits, KubernetesOptions options)
    {
        var memory = limits?.MemoryBytes is { } bytes ? new ResourceQuantity(Quantity(bytes)) : new ResourceQuantity(options.DefaultMemory);
        var requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(options.DefaultCpuRequest), ["memory"] = memory };
        var result = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = memory }, Requests = requests };
        if (limits?.CpuMillicores is { } cpu)
        {
            result.Limits["cpu"] = new ResourceQuantity($"{cpu}m");
            if (cpu < new ResourceQuantity(options.DefaultCpuRequest).ToDecimal() * 1000)
            {
                requests["cpu"] = new ResourceQuantity($"{cpu}m");
            }
        }

        return result;
    }

    /// <summary>A byte count as a Kubernetes quantity, in the largest binary unit that divides it (<c>512Mi</c>).</summary>
    private static string Quantity(long bytes) =>
        bytes % (1L << 30) == 0 ? $"{bytes >> 30}Gi" : bytes % (1L << 20) == 0 ? $"{bytes >> 20}Mi" : bytes % 1024 == 0 ? $"{bytes >> 10}Ki" : bytes.ToString(CultureInfo.InvariantCulture);

    private static V2HorizontalPodAutoscaler Autoscaler(string app, string ns, string type, AutoscalePolicy policy) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = new V1ObjectMeta { Name = KubernetesNames.Deployment(app, type), NamespaceProperty = ns, Labels = KubernetesNames.TypeLabels(app, type, null) },
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = KubernetesNames.Deployment(app, type) },
            MinReplicas = policy.Min,
            MaxReplicas = policy.Max,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = policy.CpuPercent } },
                },
            ],
        },
    };

    private static V1Namespace Namespace(string app, string ns) => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new V1ObjectMeta { Name = ns, Labels = KubernetesNames.AppLabels(app) },
    };

    /// <summary>
    /// The app's NetworkPolicy (networking.k8s.io/v1; Kubernetes documentation, "Network Policies"). It selects every pod of
    /// the app's namespace (processes and one-off runs) and lets in only:
    /// <list type="bullet">
    /// <item>the app's own pods (<c>podSelector: {}</c>: this namespace, which holds one app), any port;</item>
    /// <item>the platform's router pods (<see cref="KubernetesOptions.RouterPodLabels"/> in the namespace named
    /// <see cref="KubernetesOptions.RouterNamespace"/>, by <see cref="KubernetesNames.NamespaceNameLabel"/>), on any port: the web port is each release's
    /// (an image's <c>EXPOSE</c>, see <see cref="ImageStart"/>), and during a rollout the router reaches the old release's pods on
    /// theirs and the new one's on its own, while this one policy serves the namespace.</item>
    /// </list>
    /// So another app's pods, build pods and the platform's other pods cannot connect. The kubelet's probes still reach the
    /// pods: traffic from a pod's own node is always allowed ("What you can't do with network policies").
    /// <para>
    /// Egress is left open (<c>policyTypes: [Ingress]</c>), as Heroku leaves a dyno's outbound traffic open, for these reasons:
    /// every other app is already closed by its own copy of this policy, and every platform pod by the chart's ingress
    /// policies (PostgreSQL from the controller only, the controller's internal port, the builder and the registry from
    /// platform pods only): ingress at the target holds whatever the source's policy says, so an egress rule here would
    /// add no protection to them. What an app must reach in the platform's namespace is public anyway (the router, for
    /// another app's public host name; the controller's API port). And "the internet but not the cluster" cannot be
    /// written portably: NetworkPolicy only allows, and whether <c>ipBlock</c> rules match pod addresses is left to the
    /// network plugin, so it would need the cluster's pod and service ranges, which the platform does not know.
    /// </para>
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="ns">The app's namespace.</param>
    /// <param name="options">The router's namespace and labels.</param>
    /// <returns>The policy.</returns>
    public static V1NetworkPolicy NetworkPolicy(string app, string ns, KubernetesOptions options) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta { Name = KubernetesNames.NetworkPolicy(app), NamespaceProperty = ns, Labels = KubernetesNames.AppLabels(app) },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector(),
            PolicyTypes = ["Ingress"],
            Ingress =
            [
                new V1NetworkPolicyIngressRule { FromProperty = [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector() }] },
                new V1NetworkPolicyIngressRule
                {
                    FromProperty =
                    [
                        new V1NetworkPolicyPeer
                        {
                            NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [KubernetesNames.NamespaceNameLabel] = options.RouterNamespace } },
                            PodSelector = new V1LabelSelector { MatchLabels = KubernetesNames.ParseLabels(options.RouterPodLabels) ?? throw new ArgumentException("RouterPodLabels must be KEY=VALUE pairs separated by commas", nameof(options)) },
                        },
                    ],
                },
            ],
        },
    };

    private static V1Secret EnvSecret(DeploymentSpec spec, string ns)
    {
        var labels = KubernetesNames.AppLabels(spec.App);
        labels[KubernetesNames.ReleaseLabel] = KubernetesNames.Release(spec.Release);
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = EnvSecretName(spec.App, spec.Release), NamespaceProperty = ns, Labels = labels },
            Type = "Opaque",
            Data = spec.Config.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => Encoding.UTF8.GetBytes(c.Value)),
        };
    }

    private static V1Secret PullSecret(string app, string ns, RegistryPullCredential pull)
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{pull.Username}:{pull.Password}"));
        var config = JsonSerializer.Serialize(
            new Dictionary<string, object>
            {
                ["auths"] = new Dictionary<string, object> { [pull.Registry] = new Dictionary<string, string> { ["username"] = pull.Username, ["password"] = pull.Password, ["auth"] = auth } },
            },
            DockerConfigJson);
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = KubernetesNames.PullSecret(app), NamespaceProperty = ns, Labels = KubernetesNames.AppLabels(app) },
            Type = "kubernetes.io/dockerconfigjson",
            Data = new Dictionary<string, byte[]> { [".dockerconfigjson"] = Encoding.UTF8.GetBytes(config) },
        };
    }

    private static V1Deployment Deployment(DeploymentSpec spec, KubernetesOptions options, string ns, string type, string command, string image, ImageStart start, int? replicas, bool pullSecret)
    {
        var labels = KubernetesNames.TypeLabels(spec.App, type, spec.Release);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = KubernetesNames.Deployment(spec.App, type), NamespaceProperty = ns, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                RevisionHistoryLimit = 2,
                ProgressDeadlineSeconds = (int)Math.Ceiling(options.DeployTimeout.TotalSeconds),
                Selector = new V1LabelSelector { MatchLabels = KubernetesNames.Selector(spec.App, type) },
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 0 },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels), Annotations = new Dictionary<string, string> { [KubernetesNames.CommandAnnotation] = command, [KubernetesNames.ProcessTypeAnnotation] = type } },
                    Spec = PodSpec(spec, options, type, command, image, start, pullSecret, "Always"),
                },
            },
        };
    }

    /// <summary>The pod spec of a process.</summary>
    /// <param name="spec">The release.</param>
    /// <param name="options">The scheduler's settings.</param>
    /// <param name="type">The process type.</param>
    /// <param name="command">The command.</param>
    /// <param name="image">The image nodes pull.</param>
    /// <param name="start">How the image starts (its launcher, its web port).</param>
    /// <param name="pullSecret">Whether the app's pull Secret exists.</param>
    /// <param name="restartPolicy"><c>Always</c> for Deployments, <c>Never</c> for one-off runs.</param>
    /// <returns>The pod spec.</returns>
    public static V1PodSpec PodSpec(DeploymentSpec spec, KubernetesOptions options, string type, string command, string image, ImageStart start, bool pullSecret, string restartPolicy) => new()
    {
        Containers = [Container(spec, options, type, command, image, start)],
        RestartPolicy = restartPolicy,
        TerminationGracePeriodSeconds = (long)options.TerminationGracePeriod.TotalSeconds,
        AutomountServiceAccountToken = false,
        EnableServiceLinks = false,
        ImagePullSecrets = pullSecret ? [new V1LocalObjectReference { Name = KubernetesNames.PullSecret(spec.App) }] : null,
    };

    private static V1Service Service(string app, string ns) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = KubernetesNames.Service(app), NamespaceProperty = ns, Labels = KubernetesNames.TypeLabels(app, WebType, null) },
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = KubernetesNames.Selector(app, WebType),
            Ports = [new V1ServicePort { Name = KubernetesNames.HttpPortName, Port = 80, Protocol = "TCP", TargetPort = KubernetesNames.HttpPortName }],
        },
    };

    private static V1PodDisruptionBudget DisruptionBudget(string app, string ns, string type) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = new V1ObjectMeta { Name = KubernetesNames.Deployment(app, type), NamespaceProperty = ns, Labels = KubernetesNames.TypeLabels(app, type, null) },
        Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = KubernetesNames.Selector(app, type) } },
    };
}
