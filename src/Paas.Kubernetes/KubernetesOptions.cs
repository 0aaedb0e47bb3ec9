namespace Paas.Kubernetes;

/// <summary>
/// Settings of the Kubernetes scheduler (<c>PAAS_SCHEDULER=kubernetes</c>), bound from <c>Paas:Kubernetes</c> and validated at
/// start-up.
/// </summary>
public sealed class KubernetesOptions
{
    /// <summary>A kubeconfig file (<c>PAAS_KUBECONFIG</c>); null or empty: the in-cluster service account of the pod paasd runs in.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The context of <see cref="Kubeconfig"/> to use; null: its current context.</summary>
    public string? Context { get; set; }

    /// <summary>The prefix of every app's namespace (<c>PAAS_KUBERNETES_NAMESPACE_PREFIX</c>, default <c>paas-</c>).</summary>
    public string NamespacePrefix { get; set; } = "paas-";

    /// <summary>How long a deploy waits for its rollout before it is declared failed and undone (<c>PAAS_DEPLOY_TIMEOUT</c>, default 5 min).</summary>
    public TimeSpan DeployTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The registry host (<c>HOST:PORT</c>) nodes pull app images from, replacing the host of the image references the
    /// builder records (e.g. a registry proxy on every node at <c>127.0.0.1:5555</c>); null: the recorded host as is.
    /// </summary>
    public string? RegistryHostForNodes { get; set; }

    /// <summary>The port web processes listen on (<c>PORT</c>), as on Heroku's Cedar examples: 5000.</summary>
    public int WebPort { get; set; } = 5000;

    /// <summary>How long a process has after SIGTERM before SIGKILL (<c>terminationGracePeriodSeconds</c>), 30 s as on Heroku.</summary>
    public TimeSpan TerminationGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The memory each process may use (request and limit), a Kubernetes quantity; default <c>512Mi</c> (Heroku's standard-1X).</summary>
    public string DefaultMemory { get; set; } = "512Mi";

    /// <summary>The CPU each process requests, a Kubernetes quantity; default <c>100m</c>. No CPU limit is set.</summary>
    public string DefaultCpuRequest { get; set; } = "100m";

    /// <summary>The time limit of <c>paas run</c> processes without <c>--time-limit</c> (<c>activeDeadlineSeconds</c>), default 1 h.</summary>
    public TimeSpan RunTimeLimit { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long <c>apps:destroy</c> waits for the app's namespace to be gone before it returns anyway; default 2 min.</summary>
    public TimeSpan DestroyWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether each app's namespace gets the NetworkPolicy of <see cref="Objects.AppObjectsBuilder"/> (<c>PAAS_KUBERNETES_NETWORK_POLICY</c>,
    /// default true; the chart passes <c>networkPolicy.enabled</c>). False deletes the policy at the next deploy.
    /// </summary>
    public bool NetworkPolicy { get; set; } = true;

    /// <summary>
    /// The namespace the platform's router pods run in (<c>PAAS_KUBERNETES_ROUTER_NAMESPACE</c>; the chart passes its release
    /// namespace), matched by its <c>kubernetes.io/metadata.name</c> label; default <c>paas-system</c> (as <c>files/rbac.yaml</c>).
    /// </summary>
    public string RouterNamespace { get; set; } = "paas-system";

    /// <summary>
    /// The labels of the router's pods, <c>KEY=VALUE</c> pairs separated by commas (<c>PAAS_KUBERNETES_ROUTER_POD_LABELS</c>; the
    /// chart renders them from the template that labels the router). Default: the chart's labels for a release named <c>paas</c>.
    /// </summary>
    public string RouterPodLabels { get; set; } = "app.kubernetes.io/component=router,app.kubernetes.io/instance=paas,app.kubernetes.io/name=paas";

    /// <summary>The path of the launcher in images the builder makes on the stack; an image whose entrypoint is this path gets each
    /// process type's command as its argument, any other image runs the command with <c>/bin/sh -c</c>.</summary>
    public string LauncherPath { get; set; } = "/usr/local/bin/paas-launcher";
}
