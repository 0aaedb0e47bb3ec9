using System.Globalization;

namespace Paas.Server;

/// <summary>
/// Maps the platform's environment variables onto configuration keys, so people and scripts can run several
/// platforms on one machine: <c>PAAS_DATA_DIR</c> → <c>Paas:DataDir</c>, <c>PAAS_API_PORT</c> → <c>Paas:ApiPort</c>,
/// <c>PAAS_HTTP_PORT</c>, <c>PAAS_HTTPS_PORT</c>, <c>PAAS_REGISTRY_PORT</c>, the registry's <c>PAAS_REGISTRY_UPLOAD_EXPIRY</c> (seconds) and <c>PAAS_REGISTRY_MAX_OPEN_UPLOADS</c>, <c>PAAS_DOMAIN</c>, <c>PAAS_DATABASE</c>,
/// <c>PAAS_LISTEN_ADDRESS</c>, <c>PAAS_SECRET_KEYS_FILE</c>, <c>PAAS_REGISTRATION_MODE</c>, <c>PAAS_TRUSTED_PROXIES</c>, the scheduler's <c>PAAS_SCHEDULER</c>, <c>PAAS_PODMAN_PATH</c>, <c>PAAS_PODMAN_RUNTIME</c>, <c>PAAS_PODMAN_DEFAULT_MEMORY</c>, <c>PAAS_KUBECONFIG</c>, <c>PAAS_KUBERNETES_NAMESPACE_PREFIX</c>, <c>PAAS_KUBERNETES_REGISTRY_HOST</c>, <c>PAAS_KUBERNETES_NETWORK_POLICY</c>, <c>PAAS_KUBERNETES_ROUTER_NAMESPACE</c>, <c>PAAS_KUBERNETES_ROUTER_POD_LABELS</c>, <c>PAAS_DEPLOY_TIMEOUT</c> (seconds), <c>PAAS_STACK_IMAGE</c> → <c>Builder:StackImage</c> (the stack's OCI layout), <c>PAAS_BUILD_TIMEOUT</c> (seconds), build pods' <c>PAAS_BUILD_IN_PODS</c>, <c>PAAS_BUILD_IMAGE</c>, <c>PAAS_BUILD_NAMESPACE</c>, <c>PAAS_BUILD_CPU_LIMIT</c>, <c>PAAS_BUILD_MEMORY_LIMIT</c>, <c>PAAS_BUILD_CALLBACK_URL</c>, <c>PAAS_BUILD_MAX_CACHE_BYTES</c> (see <c>BuildPodOptions</c>), the roles' <c>PAAS_ROLE</c>, <c>PAAS_*_URL</c>, <c>PAAS_*_PORT</c> and <c>PAAS_SERVICE_TOKEN_FILE</c> (see <see cref="RoleOptions"/>), and the directory's <c>PAAS_LDAP_*</c> (see <c>LdapOptions</c>). Environment variables override <c>appsettings.json</c>;
/// command-line <c>--Paas:Key=value</c> overrides both.
/// </summary>
public static class PaasEnvironment
{
    /// <summary>Environment variable → configuration key.</summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PAAS_DATA_DIR"] = "Paas:DataDir",
        ["PAAS_API_PORT"] = "Paas:ApiPort",
        ["PAAS_HTTP_PORT"] = "Paas:HttpPort",
        ["PAAS_HTTPS_PORT"] = "Paas:HttpsPort",
        ["PAAS_REGISTRY_PORT"] = "Paas:RegistryPort",
        ["PAAS_REGISTRY_UPLOAD_EXPIRY"] = "Registry:UploadExpiry",
        ["PAAS_REGISTRY_MAX_OPEN_UPLOADS"] = "Registry:MaxOpenUploadsPerRepository",
        ["PAAS_DOMAIN"] = "Paas:Domain",
        ["PAAS_DATABASE"] = "Paas:Database",
        ["PAAS_LISTEN_ADDRESS"] = "Paas:ListenAddress",
        ["PAAS_SECRET_KEYS_FILE"] = "Paas:SecretKeysFile",
        ["PAAS_REGISTRATION_MODE"] = "Paas:RegistrationMode",
        ["PAAS_TRUSTED_PROXIES"] = "Paas:TrustedProxies",
        ["PAAS_SCHEDULER"] = "Paas:Scheduler",
        ["PAAS_PODMAN_PATH"] = "Paas:Podman:PodmanPath",
        ["PAAS_PODMAN_RUNTIME"] = "Paas:Podman:Runtime",
        ["PAAS_PODMAN_DEFAULT_MEMORY"] = "Paas:Podman:DefaultMemory",
        ["PAAS_KUBECONFIG"] = "Paas:Kubernetes:Kubeconfig",
        ["PAAS_KUBERNETES_NAMESPACE_PREFIX"] = "Paas:Kubernetes:NamespacePrefix",
        ["PAAS_KUBERNETES_REGISTRY_HOST"] = "Paas:Kubernetes:RegistryHostForNodes",
        ["PAAS_KUBERNETES_NETWORK_POLICY"] = "Paas:Kubernetes:NetworkPolicy",
        ["PAAS_KUBERNETES_ROUTER_NAMESPACE"] = "Paas:Kubernetes:RouterNamespace",
        ["PAAS_KUBERNETES_ROUTER_POD_LABELS"] = "Paas:Kubernetes:RouterPodLabels",
        ["PAAS_DEPLOY_TIMEOUT"] = "Paas:Kubernetes:DeployTimeout",
        ["PAAS_STACK_IMAGE"] = "Builder:StackImage",
        ["PAAS_BUILD_TIMEOUT"] = "Builder:BuildTimeout",
        ["PAAS_BUILDPACKS_DIR"] = "Builder:BuildpacksDir",
        ["PAAS_BUILD_IN_PODS"] = "Builder:Pods:InPods",
        ["PAAS_BUILD_IMAGE"] = "Builder:Pods:Image",
        ["PAAS_BUILD_NAMESPACE"] = "Builder:Pods:Namespace",
        ["PAAS_BUILD_CPU_LIMIT"] = "Builder:Pods:CpuLimit",
        ["PAAS_BUILD_MEMORY_LIMIT"] = "Builder:Pods:MemoryLimit",
        ["PAAS_BUILD_CALLBACK_URL"] = "Builder:Pods:BuilderUrl",
        ["PAAS_BUILD_MAX_CACHE_BYTES"] = "Builder:Pods:MaxCacheBytes",
        ["PAAS_BUILD_MAX_UNPACKED_BYTES"] = "Builder:Pods:MaxUnpackedBytes",
        ["PAAS_ROLE"] = "Paas:Roles:Role",
        ["PAAS_CONTROLLER_URL"] = "Paas:Roles:ControllerUrl",
        ["PAAS_CONTROLLER_INTERNAL_URL"] = "Paas:Roles:ControllerInternalUrl",
        ["PAAS_BUILDER_URL"] = "Paas:Roles:BuilderUrl",
        ["PAAS_REGISTRY_URL"] = "Paas:Roles:RegistryUrl",
        ["PAAS_INTERNAL_PORT"] = "Paas:Roles:InternalPort",
        ["PAAS_BUILDER_PORT"] = "Paas:Roles:BuilderPort",
        ["PAAS_REGISTRY_PROXY_PORT"] = "Paas:Roles:RegistryProxyPort",
        ["PAAS_HEALTH_PORT"] = "Paas:Roles:HealthPort",
        ["PAAS_SERVICE_TOKEN_FILE"] = "Paas:Roles:ServiceTokenFile",
        ["PAAS_LDAP_URL"] = "Paas:Ldap:Url",
        ["PAAS_LDAP_FLAVOR"] = "Paas:Ldap:Flavor",
        ["PAAS_LDAP_START_TLS"] = "Paas:Ldap:StartTls",
        ["PAAS_LDAP_CA_FILE"] = "Paas:Ldap:CaFile",
        ["PAAS_LDAP_BIND_DN"] = "Paas:Ldap:BindDn",
        ["PAAS_LDAP_BIND_PASSWORD"] = "Paas:Ldap:BindPassword",
        ["PAAS_LDAP_BIND_PASSWORD_FILE"] = "Paas:Ldap:BindPasswordFile",
        ["PAAS_LDAP_USER_BASE"] = "Paas:Ldap:UserBase",
        ["PAAS_LDAP_USER_FILTER"] = "Paas:Ldap:UserFilter",
        ["PAAS_LDAP_USERNAME_ATTRIBUTE"] = "Paas:Ldap:UsernameAttribute",
        ["PAAS_LDAP_GROUP_BASE"] = "Paas:Ldap:GroupBase",
        ["PAAS_LDAP_GROUP_FILTER"] = "Paas:Ldap:GroupFilter",
        ["PAAS_LDAP_ADMIN_GROUP"] = "Paas:Ldap:AdminGroup",
        ["PAAS_LDAP_ALLOW_UNKNOWN_USERS"] = "Paas:Ldap:AllowUnknownUsers",
        ["PAAS_LDAP_REQUIRED_GROUP"] = "Paas:Ldap:RequiredGroup",
        ["PAAS_LDAP_TEAM_PREFIX"] = "Paas:Ldap:TeamPrefix",
        ["PAAS_LDAP_DOMAIN"] = "Paas:Ldap:Domain",
    };

    /// <summary>Whether <paramref name="variable"/> is a duration given in seconds (<c>*_TIMEOUT</c>, <c>*_EXPIRY</c>).</summary>
    private static bool InSeconds(string variable) =>
        variable.EndsWith("_TIMEOUT", StringComparison.Ordinal) || variable.EndsWith("_EXPIRY", StringComparison.Ordinal);

    /// <summary>Adds the variables that are set to <paramref name="configuration"/>.</summary>
    /// <param name="configuration">The configuration to add them to.</param>
    /// <param name="environment">Where to read them; defaults to the process environment.</param>
    /// <returns><paramref name="configuration"/>.</returns>
    public static IConfigurationBuilder AddPaasEnvironment(this IConfigurationBuilder configuration, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in Variables)
        {
            var value = environment is null ? Environment.GetEnvironmentVariable(variable) : environment.GetValueOrDefault(variable);
            if (value is not null)
            {
                // Durations are given in seconds (PAAS_DEPLOY_TIMEOUT=300); configuration binds TimeSpan from "00:05:00".
                values[key] = InSeconds(variable) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                    ? TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture)
                    : value;
            }
        }

        return configuration.AddInMemoryCollection(values);
    }

    /// <summary>
    /// Finds settings that cannot even be read (a port that is not a number), so they can be reported together with
    /// the validation errors instead of failing alone (a port that is not a number, a switch that is not true or false); each is removed from <paramref name="configuration"/>.
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>One message per unreadable setting, naming its environment variable.</returns>
    public static IReadOnlyList<string> TakeUnreadable(IConfiguration configuration)
    {
        var errors = new List<string>();
        foreach (var (variable, key) in Variables.Where(v => v.Key.EndsWith("_PORT", StringComparison.Ordinal)))
        {
            var value = configuration[key];
            if (value is not null && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                errors.Add($"{variable} '{value}' is not a number (a TCP port, 0-65535)");
                configuration[key] = null;
            }
        }

        foreach (var variable in Variables.Keys.Where(InSeconds))
        {
            var timeout = configuration[Variables[variable]];
            if (timeout is not null && !TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out _))
            {
                errors.Add($"{variable} '{timeout}' is not a number of seconds");
                configuration[Variables[variable]] = null;
            }
        }

        var count = Variables["PAAS_REGISTRY_MAX_OPEN_UPLOADS"];
        if (configuration[count] is { } number && !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            errors.Add($"PAAS_REGISTRY_MAX_OPEN_UPLOADS '{number}' is not a number");
            configuration[count] = null;
        }

        foreach (var variable in new[] { "PAAS_LDAP_START_TLS", "PAAS_LDAP_ALLOW_UNKNOWN_USERS" })
        {
            var key = Variables[variable];
            var value = configuration[key];
            if (value is not null && !bool.TryParse(value, out _))
            {
                errors.Add($"{variable} '{value}' is not true or false");
                configuration[key] = null;
            }
        }

        return errors;
    }
}
