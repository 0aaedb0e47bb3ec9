using System.Text.Json.Nodes;
using Paas.Chart.Tests.Rendering;
using YamlDotNet.RepresentationModel;

namespace Paas.Chart.Tests;

/// <summary>
/// The rendered objects against the deployment contract (roles-contract.md) and the chart's own rules: labels, roles and
/// their settings, probes, resources, security, service-account tokens, rollout strategies, images, RBAC.
/// </summary>
public sealed class PlatformPodsTests
{
    private static readonly string[] RecommendedLabels =
        ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by", "app.kubernetes.io/version"];

    /// <summary>The environment variables of roles-contract.md (and PAAS_LDAP_ALLOW_UNKNOWN_USERS, which paasd reads too).</summary>
    private static readonly HashSet<string> ContractVariables =
    [
        "PAAS_ROLE", "PAAS_LISTEN_ADDRESS", "PAAS_DATA_DIR", "PAAS_DOMAIN", "PAAS_DATABASE", "PAAS_SERVICE_TOKEN_FILE", "PAAS_SECRET_KEYS_FILE",
        "PAAS_API_PORT", "PAAS_INTERNAL_PORT", "PAAS_BUILDER_PORT", "PAAS_REGISTRY_PORT", "PAAS_HTTP_PORT", "PAAS_HTTPS_PORT",
        "PAAS_REGISTRY_PROXY_PORT", "PAAS_HEALTH_PORT", "PAAS_CONTROLLER_URL", "PAAS_CONTROLLER_INTERNAL_URL", "PAAS_BUILDER_URL",
        "PAAS_REGISTRY_URL", "PAAS_SCHEDULER", "PAAS_KUBERNETES_REGISTRY_HOST", "PAAS_KUBERNETES_NAMESPACE_PREFIX", "PAAS_DEPLOY_TIMEOUT",
        "PAAS_KUBERNETES_NETWORK_POLICY", "PAAS_KUBERNETES_ROUTER_NAMESPACE", "PAAS_KUBERNETES_ROUTER_POD_LABELS",
        "PAAS_BUILD_TIMEOUT", "PAAS_BUILD_IMAGE", "PAAS_LDAP_URL", "PAAS_LDAP_FLAVOR", "PAAS_LDAP_START_TLS", "PAAS_LDAP_CA_FILE",
        "PAAS_LDAP_BIND_DN", "PAAS_LDAP_BIND_PASSWORD_FILE", "PAAS_LDAP_USER_BASE", "PAAS_LDAP_USER_FILTER", "PAAS_LDAP_USERNAME_ATTRIBUTE",
        "PAAS_LDAP_GROUP_BASE", "PAAS_LDAP_GROUP_FILTER", "PAAS_LDAP_ADMIN_GROUP", "PAAS_REGISTRATION_MODE", "PAAS_LDAP_ALLOW_UNKNOWN_USERS",
        "PAAS_LDAP_REQUIRED_GROUP", "PAAS_LDAP_TEAM_PREFIX", "PAAS_LDAP_DOMAIN",
        "PAAS_BUILD_CPU_LIMIT", "PAAS_BUILD_MEMORY_LIMIT", "PAAS_BUILD_MAX_CACHE_BYTES", "PAAS_BUILD_MAX_UNPACKED_BYTES", // build pods' limits (BuildPodOptions)
        "PAAS_TRUSTED_PROXIES", // the proxies whose X-Forwarded-For the controller believes (PaasOptions.TrustedProxies)
    ];

    [Theory]
    [MemberData(nameof(ChartCase.All), MemberType = typeof(ChartCase))]
    public void Every_object_and_pod_carries_the_recommended_labels(string name)
    {
        var rendered = Rendered.Case(name);
        foreach (var obj in rendered.Objects)
        {
            var labels = obj["metadata"]!["labels"]!.AsObject();
            Assert.All(RecommendedLabels, l => Assert.True(labels.ContainsKey(l), $"{obj["kind"]} {obj["metadata"]!["name"]} lacks {l}"));
            Assert.Equal(name == "customized" ? "platform" : "paas", (string?)labels["app.kubernetes.io/name"]);
            Assert.Equal("paas", (string?)labels["app.kubernetes.io/instance"]);
            Assert.Equal("paas", (string?)labels["app.kubernetes.io/part-of"]);
            Assert.Equal("Helm", (string?)labels["app.kubernetes.io/managed-by"]);
        }

        foreach (var workload in rendered.Workloads)
        {
            var selector = workload["spec"]!["selector"]!["matchLabels"]!.AsObject();
            var podLabels = workload["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            Assert.All(RecommendedLabels, l => Assert.True(podLabels.ContainsKey(l), $"{workload["metadata"]!["name"]}'s pods lack {l}"));
            Assert.All(selector, s => Assert.Equal((string?)s.Value, (string?)podLabels[s.Key]));
            Assert.DoesNotContain("app.kubernetes.io/version", selector.Select(s => s.Key));
        }
    }

    [Theory]
    [MemberData(nameof(ChartCase.All), MemberType = typeof(ChartCase))]
    public void Every_container_has_resources_probes_and_no_privilege(string name)
    {
        foreach (var workload in Rendered.Case(name).Workloads)
        {
            var pod = workload["spec"]!["template"]!["spec"]!.AsObject();
            Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
            Assert.NotEqual(0, (long)pod["securityContext"]!["runAsUser"]!);
            foreach (var container in pod["containers"]!.AsArray().OfType<JsonObject>())
            {
                var where = $"{workload["metadata"]!["name"]}/{container["name"]}";
                Assert.True(container["resources"]?["requests"]?["memory"] is not null, $"{where}: no memory request");
                Assert.True(container["resources"]?["limits"]?["memory"] is not null, $"{where}: no memory limit");
                Assert.True(container["livenessProbe"] is not null && container["readinessProbe"] is not null, $"{where}: probes missing");
                Assert.False((bool)container["securityContext"]!["allowPrivilegeEscalation"]!);
                Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
                Assert.Equal(["ALL"], container["securityContext"]!["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
            }
        }
    }

    [Fact]
    public void Platform_containers_are_probed_on_the_health_port_and_run_their_role()
    {
        var rendered = Rendered.Case("default");
        foreach (var workload in rendered.Workloads.Where(w => Component(w) != "postgresql"))
        {
            var container = Rendered.Containers(workload).Single();
            Assert.Equal(Component(workload), Rendered.Env(container, "PAAS_ROLE"));
            Assert.Equal("8086", Rendered.Env(container, "PAAS_HEALTH_PORT"));
            Assert.Contains(container["ports"]!.AsArray(), p => (string?)p!["name"] == "health" && (long)p["containerPort"]! == 8086);
            Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
            Assert.Equal("/healthz", (string?)container["startupProbe"]!["httpGet"]!["path"]);
            Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
            Assert.Equal("health", (string?)container["readinessProbe"]!["httpGet"]!["port"]);
            Assert.Equal("0.0.0.0", Rendered.Env(container, "PAAS_LISTEN_ADDRESS"));
            Assert.Equal("example.com", Rendered.Env(container, "PAAS_DOMAIN"));
            Assert.Equal("http://paas-controller:7001", Rendered.Env(container, "PAAS_CONTROLLER_INTERNAL_URL"));
            Assert.Equal("http://paas-registry:5000", Rendered.Env(container, "PAAS_REGISTRY_URL"));
            Assert.Equal("paas/paasd:0.1.0", (string?)container["image"]);
        }

        Assert.Equal(["builder", "controller", "registry", "registry-proxy", "router"], rendered.Workloads.Select(Component).Where(c => c != "postgresql").Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ChartCase.All), MemberType = typeof(ChartCase))]
    public void Only_contract_variables_are_set_and_the_service_token_file_is_mounted(string name)
    {
        foreach (var workload in Rendered.Case(name).Workloads.Where(w => Component(w) != "postgresql"))
        {
            var pod = workload["spec"]!["template"]!["spec"]!.AsObject();
            var container = Rendered.Containers(workload).Single();
            var variables = container["env"]!.AsArray().Select(e => (string)e!["name"]!).Where(v => v.StartsWith("PAAS_", StringComparison.Ordinal));
            Assert.All(variables, v => Assert.Contains(v, ContractVariables));

            var file = Rendered.Env(container, "PAAS_SERVICE_TOKEN_FILE")!;
            var mount = container["volumeMounts"]!.AsArray().Single(m => file.StartsWith((string)m!["mountPath"]! + "/", StringComparison.Ordinal))!;
            var volume = pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)mount["name"])!;
            Assert.EndsWith("-service-token", (string?)volume["secret"]!["secretName"], StringComparison.Ordinal);
            Assert.Equal(Path.GetFileName(file), (string?)volume["secret"]!["items"]![0]!["path"]);
        }
    }

    [Fact]
    public void The_controller_runs_twice_with_the_kubernetes_scheduler_its_database_and_registry_host()
    {
        var controller = Rendered.Case("default").Get("Deployment", "paas-controller");
        var container = Rendered.Containers(controller).Single();

        Assert.Equal(2, (long)controller["spec"]!["replicas"]!);
        Assert.Equal(0, (long)controller["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!);
        Assert.Equal("kubernetes", Rendered.Env(container, "PAAS_SCHEDULER"));
        Assert.Equal("127.0.0.1:5555", Rendered.Env(container, "PAAS_KUBERNETES_REGISTRY_HOST"));
        Assert.Equal("paas-", Rendered.Env(container, "PAAS_KUBERNETES_NAMESPACE_PREFIX"));
        Assert.Equal("300", Rendered.Env(container, "PAAS_DEPLOY_TIMEOUT"));
        Assert.Equal("admin_only", Rendered.Env(container, "PAAS_REGISTRATION_MODE"));
        var database = container["env"]!.AsArray().Single(e => (string?)e!["name"] == "PAAS_DATABASE")!["valueFrom"]!["secretKeyRef"]!;
        Assert.Equal(("paas-database", "connection-string"), ((string?)database["name"], (string?)database["key"]));
        Assert.Null(Rendered.Env(container, "PAAS_LDAP_URL"));
    }

    public static TheoryData<string, string> RegistryHosts => new()
    {
        { "default", "127.0.0.1:5555" },
        { "registry-nodeport", "127.0.0.1:31555" },
        { "registry-ingress", "registry.example.com" },
        { "customized", "registry-mirror.example.com:5443" },
    };

    [Theory]
    [MemberData(nameof(RegistryHosts))]
    public void Image_references_for_nodes_follow_how_nodes_reach_the_registry(string name, string host)
    {
        var rendered = Rendered.Case(name);
        var controller = rendered.Workloads.Single(w => Component(w) == "controller");

        Assert.Equal(host, Rendered.Env(Rendered.Containers(controller).Single(), "PAAS_KUBERNETES_REGISTRY_HOST"));
        Assert.Equal(name is "default" or "customized", rendered.OfKind("DaemonSet").Any(d => Component(d) == "registry-proxy"));
    }

    [Fact]
    public void The_registry_proxy_takes_its_port_on_every_node_on_loopback()
    {
        var proxy = Rendered.Case("default").Get("DaemonSet", "paas-registry-proxy");
        var port = Rendered.Containers(proxy).Single()["ports"]!.AsArray().Single(p => (string?)p!["name"] == "proxy")!;

        Assert.Equal((5555L, 5555L, "127.0.0.1"), ((long)port["containerPort"]!, (long)port["hostPort"]!, (string?)port["hostIP"]));
        Assert.Equal("Exists", (string?)proxy["spec"]!["template"]!["spec"]!["tolerations"]![0]!["operator"]);
    }

    [Fact]
    public void The_router_rolls_with_max_unavailable_0_or_runs_on_host_ports()
    {
        var deployment = Rendered.Case("default").Get("Deployment", "paas-router");
        var daemonSet = Rendered.Case("router-daemonset").Get("DaemonSet", "paas-router");
        var ports = Rendered.Containers(daemonSet).Single()["ports"]!.AsArray();

        Assert.Equal(0, (long)deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!);
        Assert.Equal(2, (long)deployment["spec"]!["replicas"]!);
        Assert.Equal("LoadBalancer", (string?)Rendered.Case("default").Get("Service", "paas-router")["spec"]!["type"]);
        Assert.Contains(ports, p => (long)p!["containerPort"]! == 8080 && (long?)p["hostPort"] == 80);
        Assert.Contains(ports, p => (long)p!["containerPort"]! == 8443 && (long?)p["hostPort"] == 443);
        Assert.Null(Rendered.Case("router-daemonset").Find("Service", "paas-router"));
        Assert.Null(Rendered.Case("router-daemonset").Find("PodDisruptionBudget", "paas-router"));
        var nodePorts = Rendered.Case("nodeports").Get("Service", "paas-router")["spec"]!;
        Assert.Equal("NodePort", (string?)nodePorts["type"]);
        Assert.Equal([30080L, 30443L], nodePorts["ports"]!.AsArray().Select(p => (long)p!["nodePort"]!));
    }

    [Fact]
    public void Only_the_router_completes_socket_operations_inline_and_it_can_be_turned_off()
    {
        const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        var rendered = Rendered.Case("default");
        foreach (var workload in rendered.Workloads)
        {
            var value = Rendered.Env(Rendered.Containers(workload).Single(), Variable);
            Assert.True(Component(workload) == "router" ? value == "1" : value is null, $"{Component(workload)}: {Variable}={value}");
        }

        var off = Rendered.Template("--set", "domain=example.com", "--set", "router.inlineSocketCompletions=false").Get("Deployment", "paas-router");
        Assert.Null(Rendered.Env(Rendered.Containers(off).Single(), Variable));
    }

    [Fact]
    public void Volumes_of_one_writer_roll_by_recreate_and_postgresql_is_a_statefulset_with_its_claim()
    {
        var rendered = Rendered.Case("default");

        Assert.Equal("Recreate", (string?)rendered.Get("Deployment", "paas-registry")["spec"]!["strategy"]!["type"]);
        Assert.Equal("Recreate", (string?)rendered.Get("Deployment", "paas-builder")["spec"]!["strategy"]!["type"]);
        Assert.Equal("50Gi", (string?)rendered.Get("PersistentVolumeClaim", "paas-registry")["spec"]!["resources"]!["requests"]!["storage"]);
        var postgresql = rendered.Get("StatefulSet", "paas-postgresql");
        Assert.Equal("paas-postgresql", (string?)postgresql["spec"]!["serviceName"]);
        Assert.Equal("data", (string?)postgresql["spec"]!["volumeClaimTemplates"]![0]!["metadata"]!["name"]);
        Assert.Equal("None", (string?)rendered.Get("Service", "paas-postgresql")["spec"]!["clusterIP"]);
        Assert.Equal("paas/postgresql:0.1.0", (string?)Rendered.Containers(postgresql).Single()["image"]);
        Assert.Empty(Rendered.Case("external-database").OfKind("StatefulSet"));
        Assert.Null(Rendered.Case("external-database").Find("Service", "paas-postgresql"));
        Assert.Null(Rendered.Case("customized").Find("PersistentVolumeClaim", "acme-builder"));
    }

    [Theory]
    [MemberData(nameof(ChartCase.All), MemberType = typeof(ChartCase))]
    public void Only_the_controller_and_the_builder_get_a_service_account_token(string name)
    {
        var rendered = Rendered.Case(name);
        foreach (var workload in rendered.Workloads)
        {
            var pod = workload["spec"]!["template"]!["spec"]!;
            var expected = Component(workload) is "controller" or "builder";
            Assert.Equal(expected, (bool)pod["automountServiceAccountToken"]!);
            Assert.Equal(expected, pod["serviceAccountName"] is not null);
        }

        Assert.All(rendered.OfKind("ServiceAccount"), sa => Assert.False((bool)sa["automountServiceAccountToken"]!));
    }

    [Fact]
    public void The_controller_gets_the_rules_of_files_rbac_yaml_bound_to_its_service_account()
    {
        var rendered = Rendered.Case("default");
        var file = new YamlStream();
        file.Load(new StringReader(File.ReadAllText(Path.Combine(ChartCase.ChartDirectory, "files", "rbac.yaml"))));
        var expectedRules = YamlToJson.Convert(file.Documents[0].RootNode)!["rules"]!;

        var role = rendered.Get("ClusterRole", "paas-system-paas-scheduler");
        var binding = rendered.Get("ClusterRoleBinding", "paas-system-paas-scheduler");

        Assert.True(JsonNode.DeepEquals(expectedRules, role["rules"]), role["rules"]!.ToJsonString());
        Assert.Equal("paas-system-paas-scheduler", (string?)binding["roleRef"]!["name"]);
        var subject = binding["subjects"]!.AsArray().Single()!;
        Assert.Equal(("ServiceAccount", "paas-controller", "paas-system"), ((string?)subject["kind"], (string?)subject["name"], (string?)subject["namespace"]));
        Assert.Equal("paas-controller", (string?)rendered.Get("Deployment", "paas-controller")["spec"]!["template"]!["spec"]!["serviceAccountName"]);
    }

    [Fact]
    public void The_builder_may_only_run_pods_and_read_their_logs_in_its_namespace()
    {
        var rendered = Rendered.Case("default");
        var role = rendered.Get("Role", "paas-builder");
        var binding = rendered.Get("RoleBinding", "paas-builder");

        Assert.Equal("paas-system", (string?)role["metadata"]!["namespace"]);
        Assert.Equal(
            ["pods: create,delete,get,list,watch", "pods/log: get"],
            role["rules"]!.AsArray().Select(r => $"{string.Join(",", r!["resources"]!.AsArray().Select(x => (string)x!))}: {string.Join(",", r["verbs"]!.AsArray().Select(x => (string)x!).Order(StringComparer.Ordinal))}"));
        Assert.Equal("paas-builder", (string?)binding["subjects"]![0]!["name"]);
        var builder = Rendered.Containers(rendered.Get("Deployment", "paas-builder")).Single();
        Assert.Equal("paas/build:0.1.0", Rendered.Env(builder, "PAAS_BUILD_IMAGE"));
        Assert.Equal("900", Rendered.Env(builder, "PAAS_BUILD_TIMEOUT"));
        Assert.Equal(("1", "2Gi", "1073741824", "8589934592"), (Rendered.Env(builder, "PAAS_BUILD_CPU_LIMIT"), Rendered.Env(builder, "PAAS_BUILD_MEMORY_LIMIT"), Rendered.Env(builder, "PAAS_BUILD_MAX_CACHE_BYTES"), Rendered.Env(builder, "PAAS_BUILD_MAX_UNPACKED_BYTES")));
    }

    [Fact]
    public void Services_select_one_workload_and_target_ports_it_declares()
    {
        foreach (var name in ChartCase.Names)
        {
            var rendered = Rendered.Case(name);
            foreach (var service in rendered.OfKind("Service"))
            {
                var selector = service["spec"]!["selector"]!.AsObject();
                var workload = Assert.Single(rendered.Workloads, w => selector.All(s => (string?)w["spec"]!["template"]!["metadata"]!["labels"]![s.Key] == (string?)s.Value));
                var ports = Rendered.Containers(workload).SelectMany(c => c["ports"]!.AsArray()).Select(p => (string?)p!["name"]).ToList();
                Assert.All(service["spec"]!["ports"]!.AsArray(), p => Assert.Contains((string?)p!["targetPort"], ports));
            }
        }
    }

    [Fact]
    public void The_api_service_exposes_the_public_port_only()
    {
        var api = Rendered.Case("default").Get("Service", "paas-api");

        var port = api["spec"]!["ports"]!.AsArray().Single()!;
        Assert.Equal(("LoadBalancer", 80L, "api"), ((string?)api["spec"]!["type"], (long)port["port"]!, (string?)port["targetPort"]));
        Assert.Equal(30700, (long)Rendered.Case("nodeports").Get("Service", "paas-api")["spec"]!["ports"]![0]!["nodePort"]!);
    }

    [Fact]
    public void Customized_values_reach_the_pods()
    {
        var rendered = Rendered.Case("customized");
        var controller = rendered.Get("Deployment", "acme-controller");
        var container = Rendered.Containers(controller).Single();
        var pod = controller["spec"]!["template"]!["spec"]!;

        Assert.Equal("registry.example.com:5000/mirror/paasd:3f2a1bc", (string?)container["image"]);
        Assert.Equal("Always", (string?)container["imagePullPolicy"]);
        Assert.Equal("registry-example-com", (string?)pod["imagePullSecrets"]![0]!["name"]);
        Assert.Equal(3, (long)controller["spec"]!["replicas"]!);
        Assert.Equal("apps-", Rendered.Env(container, "PAAS_KUBERNETES_NAMESPACE_PREFIX"));
        Assert.Equal("600", Rendered.Env(container, "PAAS_DEPLOY_TIMEOUT"));
        Assert.Equal("enabled", Rendered.Env(container, "PAAS_REGISTRATION_MODE"));
        Assert.Equal("http://acme-controller:7000", Rendered.Env(container, "PAAS_CONTROLLER_URL"));
        Assert.Equal("platform", (string?)controller["spec"]!["template"]!["metadata"]!["annotations"]!["example.com/team"]);
        Assert.Equal("registry.example.com:5000/mirror/paas-build:3f2a1bc", Rendered.Env(Rendered.Containers(rendered.Get("Deployment", "acme-builder")).Single(), "PAAS_BUILD_IMAGE"));
        Assert.Equal("1800", Rendered.Env(Rendered.Containers(rendered.Get("Deployment", "acme-builder")).Single(), "PAAS_BUILD_TIMEOUT"));
        var acmeBuilder = Rendered.Containers(rendered.Get("Deployment", "acme-builder")).Single();
        Assert.Equal(("1500m", "4Gi", "536870912", "17179869184"), (Rendered.Env(acmeBuilder, "PAAS_BUILD_CPU_LIMIT"), Rendered.Env(acmeBuilder, "PAAS_BUILD_MEMORY_LIMIT"), Rendered.Env(acmeBuilder, "PAAS_BUILD_MAX_CACHE_BYTES"), Rendered.Env(acmeBuilder, "PAAS_BUILD_MAX_UNPACKED_BYTES")));
        Assert.Equal("git-repositories", (string?)rendered.Get("Deployment", "acme-builder")["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "data")!["persistentVolumeClaim"]!["claimName"]);
        Assert.Equal(70, (long)rendered.Get("StatefulSet", "acme-postgresql")["spec"]!["template"]!["spec"]!["securityContext"]!["runAsUser"]!);
        Assert.Empty(rendered.OfKind("NetworkPolicy"));
        Assert.Empty(rendered.OfKind("PodDisruptionBudget"));
        Assert.Null(Rendered.Containers(rendered.Get("DaemonSet", "acme-registry-proxy")).Single()["ports"]![0]!["hostIP"]);
    }

    [Fact]
    public void Ldap_settings_reach_the_controller_with_secrets_as_files()
    {
        var controller = Rendered.Case("ldap").Get("Deployment", "paas-controller");
        var container = Rendered.Containers(controller).Single();
        var volumes = controller["spec"]!["template"]!["spec"]!["volumes"]!.AsArray();

        Assert.Equal("active_directory", Rendered.Env(container, "PAAS_LDAP_FLAVOR"));
        Assert.Equal("/etc/paas/ldap-bind/password", Rendered.Env(container, "PAAS_LDAP_BIND_PASSWORD_FILE"));
        Assert.Equal("/etc/paas/ldap-ca/ca.pem", Rendered.Env(container, "PAAS_LDAP_CA_FILE"));
        Assert.Equal("false", Rendered.Env(container, "PAAS_LDAP_ALLOW_UNKNOWN_USERS"));
        Assert.Contains(volumes, v => (string?)v!["secret"]?["secretName"] == "paas-ldap-bind" && (string?)v["secret"]!["items"]![0]!["key"] == "bind-password");
        Assert.Contains(volumes, v => (string?)v!["secret"]?["secretName"] == "corp-ca" && (string?)v["secret"]!["items"]![0]!["key"] == "ca.pem");
        Assert.DoesNotContain(container["env"]!.AsArray(), e => (string?)e!["name"] == "PAAS_LDAP_BIND_PASSWORD");

        var openldap = Rendered.Containers(Rendered.Case("ldap-openldap").Get("Deployment", "paas-controller")).Single();
        Assert.Equal("true", Rendered.Env(openldap, "PAAS_LDAP_START_TLS"));
        Assert.Null(Rendered.Env(openldap, "PAAS_LDAP_BIND_DN"));
        Assert.Null(Rendered.Env(openldap, "PAAS_LDAP_CA_FILE"));
    }

    private static string Component(JsonObject obj) => (string)obj["metadata"]!["labels"]!["app.kubernetes.io/component"]!;
}
