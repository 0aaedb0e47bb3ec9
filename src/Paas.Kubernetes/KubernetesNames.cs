using System.Security.Cryptography;
using System.Text;

namespace Paas.Kubernetes;

/// <summary>
/// Every name, label and annotation the Kubernetes scheduler writes, in one place. Per app, in namespace
/// <c>PREFIX + APP</c> (default <c>paas-APP</c>):
/// <code>
/// Namespace              paas-APP                  labels: managed-by, paas.io/app
/// Secret (Opaque)        APP-env                   the release's config vars (envFrom)
/// Secret (dockerconfig)  APP-registry              a pull-only credential for the app's repository
/// Deployment             APP-TYPE                  one per process type, replicas = formation
/// Service (ClusterIP)    APP-web                   port 80 -> the web pods' port "http" (PORT, 5000)
/// PodDisruptionBudget    APP-TYPE                  for types with more than one replica
/// NetworkPolicy          APP-isolation             ingress only from the app's own pods and the router
/// Pod                    APP-run-NNNNN             one-off processes (paas run)
/// </code>
/// Labels follow Kubernetes' recommended labels (<c>app.kubernetes.io/*</c>, "Recommended Labels" in the Kubernetes
/// documentation) plus the platform's own <c>paas.io/*</c>. A process type's Kubernetes name is the type with <c>_</c>
/// written <c>-</c> (process types allow <c>_</c>, DNS-1123 labels do not).
/// </summary>
public static class KubernetesNames
{
    /// <summary>The field manager of every server-side apply (<c>fieldManager=paas</c>).</summary>
    public const string FieldManager = "paas";

    /// <summary><c>app.kubernetes.io/name</c>: the app's name.</summary>
    public const string NameLabel = "app.kubernetes.io/name";

    /// <summary><c>app.kubernetes.io/instance</c>: the app's name (one instance per app).</summary>
    public const string InstanceLabel = "app.kubernetes.io/instance";

    /// <summary><c>app.kubernetes.io/component</c>: the process type.</summary>
    public const string ComponentLabel = "app.kubernetes.io/component";

    /// <summary><c>app.kubernetes.io/managed-by</c>: always <see cref="ManagedBy"/>.</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";

    /// <summary><c>app.kubernetes.io/version</c>: the release (<c>v7</c>).</summary>
    public const string VersionLabel = "app.kubernetes.io/version";

    /// <summary>The value of <see cref="ManagedByLabel"/>.</summary>
    public const string ManagedBy = "paas";

    /// <summary><c>paas.io/app</c>: the app's name.</summary>
    public const string AppLabel = "paas.io/app";

    /// <summary><c>paas.io/type</c>: the process type as the Procfile names it (<c>run</c> for one-off processes).</summary>
    public const string TypeLabel = "paas.io/type";

    /// <summary><c>paas.io/release</c>: the release (<c>v7</c>).</summary>
    public const string ReleaseLabel = "paas.io/release";

    /// <summary><c>paas.io/restartedAt</c>: set on a pod template to roll its pods, as <c>kubectl rollout restart</c> does.</summary>
    public const string RestartedAtAnnotation = "paas.io/restartedAt";

    /// <summary><c>paas.io/command</c>: the process type's command, for <c>paas ps</c>.</summary>
    public const string CommandAnnotation = "paas.io/command";

    /// <summary>The process type of one-off processes (<c>run.N</c>).</summary>
    public const string RunType = Paas.Domain.ProcessTypes.OneOff;

    /// <summary>The label selector of everything the platform manages.</summary>
    public const string ManagedSelector = ManagedByLabel + "=" + ManagedBy;

    /// <summary>
    /// <c>kubernetes.io/metadata.name</c>: the label the API server puts on every namespace, holding its name (immutable;
    /// Kubernetes documentation, "Well-Known Labels, Annotations and Taints"), which NetworkPolicies select namespaces by.
    /// </summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>The app's NetworkPolicy: <c>APP-isolation</c>.</summary>
    /// <param name="app">The app.</param>
    /// <returns>The name.</returns>
    public static string NetworkPolicy(string app) => $"{app}-isolation";

    /// <summary>Parses labels written <c>KEY=VALUE,KEY=VALUE</c> (as <see cref="KubernetesOptions.RouterPodLabels"/>).</summary>
    /// <param name="text">The pairs; spaces around keys and values are ignored.</param>
    /// <returns>The labels, or null when a pair has no <c>=</c>, an empty key or a key given twice, or when there is none.</returns>
    public static Dictionary<string, string>? ParseLabels(string? text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !labels.TryAdd(pair[..equals].Trim(), pair[(equals + 1)..].Trim()))
            {
                return null;
            }
        }

        return labels.Count == 0 ? null : labels;
    }

    /// <summary>The web process type's container port name, referenced by the Service and the probes.</summary>
    public const string HttpPortName = "http";

    /// <summary>The app's namespace.</summary>
    /// <param name="prefix">The configured prefix (<c>paas-</c>).</param>
    /// <param name="app">The app's name (at most 30 characters, so the name stays under 63).</param>
    /// <returns><c>PREFIX + APP</c>.</returns>
    public static string Namespace(string prefix, string app) => prefix + app;

    /// <summary>
    /// The Kubernetes form of a process type: <c>_</c> becomes <c>-</c>; a type that would then end with <c>-</c> (DNS-1123 labels end
    /// with a letter or digit) gets 4 hex characters of its hash instead, so distinct types keep distinct names.
    /// </summary>
    /// <param name="type">The process type (lower-case letters, digits, <c>_</c> and <c>-</c>, starting with a letter).</param>
    /// <returns>A DNS-1123 label, also a valid label value.</returns>
    public static string Type(string type)
    {
        var name = type.Replace('_', '-');
        return name.EndsWith('-') ? name.TrimEnd('-') + "-" + ShortHash(type)[..4] : name;
    }

    /// <summary><c>paas.io/process-type</c> (pod template annotation): the process type exactly as the Procfile names it.</summary>
    public const string ProcessTypeAnnotation = "paas.io/process-type";

    /// <summary>The Deployment (and PodDisruptionBudget) of a process type: <c>APP-TYPE</c>.</summary>
    /// <param name="app">The app.</param>
    /// <param name="type">The process type.</param>
    /// <returns>The name.</returns>
    public static string Deployment(string app, string type) => $"{app}-{Type(type)}";

    /// <summary>The web Service: <c>APP-web</c>.</summary>
    /// <param name="app">The app.</param>
    /// <returns>The name.</returns>
    public static string Service(string app) => $"{app}-web";

    /// <summary>The config vars Secret: <c>APP-env</c>.</summary>
    /// <param name="app">The app.</param>
    /// <returns>The name.</returns>
    public static string EnvSecret(string app) => $"{app}-env";

    /// <summary>The image pull Secret: <c>APP-registry</c>.</summary>
    /// <param name="app">The app.</param>
    /// <returns>The name.</returns>
    public static string PullSecret(string app) => $"{app}-registry";

    /// <summary>A one-off process's Pod: <c>APP-run-N</c>.</summary>
    /// <param name="app">The app.</param>
    /// <param name="number">The run's number (<c>run.N</c>).</param>
    /// <returns>The name.</returns>
    public static string RunPod(string app, int number) => $"{app}-run-{number}";

    /// <summary>The release label value: <c>v7</c>.</summary>
    /// <param name="release">The release version.</param>
    /// <returns>The value.</returns>
    public static string Release(int release) => "v" + release.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The labels every object of the app carries.</summary>
    /// <param name="app">The app.</param>
    /// <returns>A new dictionary.</returns>
    public static Dictionary<string, string> AppLabels(string app) => new(StringComparer.Ordinal)
    {
        [NameLabel] = app,
        [InstanceLabel] = app,
        [ManagedByLabel] = ManagedBy,
        [AppLabel] = app,
    };

    /// <summary>The selector of a process type's pods (immutable once a Deployment exists: it never holds the release).</summary>
    /// <param name="app">The app.</param>
    /// <param name="type">The process type.</param>
    /// <returns>A new dictionary.</returns>
    public static Dictionary<string, string> Selector(string app, string type) => new(StringComparer.Ordinal)
    {
        [AppLabel] = app,
        [TypeLabel] = Type(type),
    };

    /// <summary>The labels of a process type's objects and pods.</summary>
    /// <param name="app">The app.</param>
    /// <param name="type">The process type.</param>
    /// <param name="release">The release version, or null on objects that outlive releases (Service, PodDisruptionBudget).</param>
    /// <returns>A new dictionary.</returns>
    public static Dictionary<string, string> TypeLabels(string app, string type, int? release)
    {
        var labels = AppLabels(app);
        labels[ComponentLabel] = Type(type);
        labels[TypeLabel] = Type(type);
        if (release is { } version)
        {
            labels[ReleaseLabel] = Release(version);
            labels[VersionLabel] = Release(version);
        }

        return labels;
    }

    /// <summary>A short stable hash of a text (8 hex characters), for checksums in annotations.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The hash.</returns>
    public static string ShortHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
}
