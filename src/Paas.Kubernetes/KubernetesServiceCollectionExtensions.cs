using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Kubernetes.Images;
using Paas.Scheduling;
using Paas.Scheduling.Logs;

namespace Paas.Kubernetes;

/// <summary>Registers the Kubernetes scheduler.</summary>
public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KubernetesScheduler"/> as the <see cref="IScheduler"/> and <see cref="IEndpointFeed"/>, with an
    /// <see cref="IKubernetes"/> client made from <see cref="KubernetesOptions.Kubeconfig"/> (or the in-cluster service
    /// account); each with TryAdd, so a host or a test can replace it. Needs an <see cref="IAppLogStore"/> and an
    /// <see cref="IImageInspector"/>; an <see cref="IAppPullCredentials"/> is used when registered, and so is an
    /// <see cref="IReplicaLease"/> keyed <see cref="KubernetesScheduler.LogFollowingLease"/> (pods' logs are then followed
    /// only by its holder).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddKubernetesScheduler(this IServiceCollection services, Action<KubernetesOptions> configure)
    {
        AddKubernetesClient(services, configure);
        services.TryAddSingleton(sp => new KubernetesScheduler(
            sp.GetRequiredService<IKubernetes>(),
            sp.GetRequiredService<IOptions<KubernetesOptions>>(),
            sp.GetRequiredService<IAppLogStore>(),
            sp.GetRequiredService<IImageInspector>(),
            sp.GetService<IAppPullCredentials>(),
            sp.GetRequiredService<ILogger<KubernetesScheduler>>(),
            sp.GetRequiredService<KubernetesStreams>(),
            sp.GetService<IAppRegistryLogins>(),
            sp.GetKeyedService<IReplicaLease>(KubernetesScheduler.LogFollowingLease)));
        services.TryAddSingleton<IScheduler>(sp => sp.GetRequiredService<KubernetesScheduler>());
        services.TryAddSingleton<IEndpointFeed>(sp => sp.GetRequiredService<KubernetesScheduler>());
        return services;
    }

    /// <summary>
    /// Registers <see cref="KubernetesBuildPods"/> as the builder's <see cref="Paas.Builder.IBuildPods"/>, with the same
    /// client as the scheduler (<see cref="KubernetesOptions.Kubeconfig"/>, or the in-cluster service account); TryAdd, so
    /// the scheduler and build pods in one process share one client, and a test can replace it.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the client's options (only <see cref="KubernetesOptions.Kubeconfig"/> and <see cref="KubernetesOptions.Context"/> matter here).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddKubernetesBuildPods(this IServiceCollection services, Action<KubernetesOptions> configure)
    {
        AddKubernetesClient(services, configure);
        services.TryAddSingleton<Paas.Builder.IBuildPods>(sp => new KubernetesBuildPods(
            sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<KubernetesStreams>(), sp.GetRequiredService<ILogger<KubernetesBuildPods>>()));
        return services;
    }

    /// <summary>The options (validated at start) and the two clients, once per service collection.</summary>
    private static void AddKubernetesClient(IServiceCollection services, Action<KubernetesOptions> configure)
    {
        if (services.Any(d => d.ServiceType == typeof(KubernetesClientMarker)))
        {
            return;
        }

        services.AddSingleton<KubernetesClientMarker>();
        services.AddOptions<KubernetesOptions>()
            .Configure(configure)
            .Validate(o => o.DeployTimeout > TimeSpan.Zero, "PAAS_DEPLOY_TIMEOUT must be positive (seconds)")
            .Validate(o => KubernetesNames.Namespace(o.NamespacePrefix, new string('a', 30)).Length <= 63 && System.Text.RegularExpressions.Regex.IsMatch(o.NamespacePrefix, "^[a-z0-9]([-a-z0-9]*)?$"), "PAAS_KUBERNETES_NAMESPACE_PREFIX must be lower-case letters, digits and '-', start with a letter or digit, and be at most 33 characters")
            .Validate(o => KubernetesNames.ParseLabels(o.RouterPodLabels) is not null, "PAAS_KUBERNETES_ROUTER_POD_LABELS must be the router pods' labels as KEY=VALUE pairs separated by commas")
            .Validate(o => System.Text.RegularExpressions.Regex.IsMatch(o.RouterNamespace ?? "", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), "PAAS_KUBERNETES_ROUTER_NAMESPACE must be the namespace the router runs in")
            .Validate(o => string.IsNullOrEmpty(o.Kubeconfig) || File.Exists(o.Kubeconfig), "PAAS_KUBECONFIG names a file that does not exist")
            .Validate(o => !string.IsNullOrEmpty(o.Kubeconfig) || KubernetesClientConfiguration.IsInCluster(), "the Kubernetes scheduler needs PAAS_KUBECONFIG (a kubeconfig file) or to run in a pod with a service account")
            .ValidateOnStart();
        services.TryAddSingleton<IKubernetes>(sp => new k8s.Kubernetes(Configuration(sp)));
        services.TryAddSingleton(sp =>
        {
            var config = Configuration(sp);
            config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
            return new KubernetesStreams(new k8s.Kubernetes(config));
        });
    }

    private sealed class KubernetesClientMarker;

    private static KubernetesClientConfiguration Configuration(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<KubernetesOptions>>().Value;
        return string.IsNullOrEmpty(options.Kubeconfig)
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, options.Context);
    }
}
