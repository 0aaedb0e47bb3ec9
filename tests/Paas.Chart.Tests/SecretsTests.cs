using System.Text;
using System.Text.Json.Nodes;
using Paas.Chart.Tests.Cluster;
using Paas.Chart.Tests.Helm;
using Paas.Chart.Tests.Rendering;

namespace Paas.Chart.Tests;

/// <summary>
/// The service token and the database password are generated at install and kept by every upgrade: templates/secrets.yaml
/// reads the Secrets already in the cluster with <c>lookup</c>. <c>helm template</c> has no cluster (lookup returns
/// nothing, so each render generates new values: tested as such); <c>helm template --dry-run=server</c> does call lookup,
/// so an upgrade is rendered against the project's fake API server holding the Secrets the install made.
/// </summary>
public sealed class SecretsTests
{
    [Fact]
    public void Without_a_cluster_each_render_generates_a_token_and_a_password_used_by_the_connection_string()
    {
        var first = Secrets(Rendered.Template("--set", "domain=example.com"));
        var second = Secrets(Rendered.Template("--set", "domain=example.com"));

        Assert.Matches("^[A-Za-z0-9]{64}$", first["paas-service-token"]["service-token"]);
        Assert.Matches("^[A-Za-z0-9]{32}$", first["paas-database"]["password"]);
        Assert.Equal(
            $"Host=paas-postgresql;Port=5432;Username=paas;Password={first["paas-database"]["password"]};Database=paas",
            first["paas-database"]["connection-string"]);
        Assert.Matches("^k[0-9]{14} [A-Za-z0-9+/]{43}=\n$", first["paas-secret-keys"]["secret-keys"]); // SecretKeyRing's file: one 32-byte key
        Assert.NotEqual(first["paas-secret-keys"]["secret-keys"], second["paas-secret-keys"]["secret-keys"]);
        Assert.NotEqual(first["paas-service-token"]["service-token"], second["paas-service-token"]["service-token"]);
        Assert.NotEqual(first["paas-database"]["password"], second["paas-database"]["password"]);
    }

    [Fact]
    public async Task An_upgrade_keeps_the_token_and_the_password_of_the_install()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var installed = Secrets(Rendered.Template("--set", "domain=example.com"));
        foreach (var (name, data) in installed)
        {
            cluster.CreateSecret(ChartCase.Namespace, name, data);
        }

        var upgraded = Secrets(Render(cluster, "--set", "domain=example.com", "--set", "image.tag=0.2.0"));

        Assert.Equal(installed["paas-service-token"], upgraded["paas-service-token"]);
        Assert.Equal(installed["paas-secret-keys"], upgraded["paas-secret-keys"]);
        Assert.Equal(installed["paas-database"], upgraded["paas-database"]);
        Assert.Contains(cluster.Server.Requests, r => r.Method == "GET" && r.Path == "/api/v1/namespaces/paas-system/secrets/paas-database" && r.Status == 200);
    }

    [Fact]
    public async Task An_upgrade_keeps_a_password_changed_in_the_cluster_and_rebuilds_the_connection_string_from_it()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.CreateSecret(ChartCase.Namespace, "paas-database", new Dictionary<string, string> { ["password"] = "rotated-by-hand" });

        var upgraded = Secrets(Render(cluster, "--set", "domain=example.com"));

        Assert.Equal("rotated-by-hand", upgraded["paas-database"]["password"]);
        Assert.Contains("Password=rotated-by-hand;", upgraded["paas-database"]["connection-string"], StringComparison.Ordinal);
        Assert.Matches("^[A-Za-z0-9]{64}$", upgraded["paas-service-token"]["service-token"]);
    }

    [Fact]
    public void The_database_secret_outlives_uninstall_always_and_the_token_and_volumes_while_keepDataOnUninstall()
    {
        var kept = Rendered.Case("default");
        var notKept = Rendered.Case("customized");

        Assert.Equal("keep", (string?)kept.Get("Secret", "paas-database")["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        Assert.Equal("keep", (string?)kept.Get("Secret", "paas-service-token")["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        Assert.Equal("keep", (string?)kept.Get("PersistentVolumeClaim", "paas-registry")["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        Assert.Equal("keep", (string?)kept.Get("PersistentVolumeClaim", "paas-builder")["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        Assert.Equal("keep", (string?)notKept.Get("Secret", "acme-database")["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        Assert.Equal("keep", (string?)notKept.Get("Secret", "acme-secret-keys")["metadata"]!["annotations"]!["helm.sh/resource-policy"]); // without them stored secrets are lost
        Assert.Null(notKept.Get("Secret", "acme-service-token")["metadata"]!["annotations"]);
        Assert.Null(notKept.Get("PersistentVolumeClaim", "acme-registry")["metadata"]!["annotations"]);
    }

    [Fact]
    public void An_external_database_is_given_as_is_or_read_from_its_own_secret()
    {
        var inline = Rendered.Case("external-database");
        var fromSecret = Rendered.Case("external-database-secret");

        Assert.Equal(
            "Host=db.example.com;Port=5432;Username=paas;Password=s3cret;Database=paas;SSL Mode=Require",
            Secrets(inline)["paas-database"]["connection-string"]);
        Assert.Null(fromSecret.Find("Secret", "paas-database"));
        var env = Rendered.Containers(fromSecret.Get("Deployment", "paas-controller")).Single()["env"]!.AsArray().Single(e => (string?)e!["name"] == "PAAS_DATABASE")!;
        Assert.Equal("platform-db", (string?)env["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.Equal("npgsql", (string?)env["valueFrom"]!["secretKeyRef"]!["key"]);
    }

    [Fact]
    public void The_secret_keys_are_mounted_read_only_into_the_controller_alone()
    {
        var rendered = Rendered.Case("default");
        foreach (var workload in rendered.Workloads)
        {
            var pod = workload["spec"]!["template"]!["spec"]!;
            var mounted = pod["volumes"]!.AsArray().Any(v => (string?)v!["secret"]?["secretName"] == "paas-secret-keys");
            Assert.Equal((string?)workload["metadata"]!["name"] == "paas-controller", mounted);
        }

        var controller = Rendered.Containers(rendered.Get("Deployment", "paas-controller")).Single();
        var file = Rendered.Env(controller, "PAAS_SECRET_KEYS_FILE")!;
        var mount = controller["volumeMounts"]!.AsArray().Single(m => file.StartsWith((string)m!["mountPath"]! + "/", StringComparison.Ordinal))!;
        Assert.True((bool?)mount["readOnly"]);
    }

    private static Rendered Render(FakeCluster cluster, params string[] args)
    {
        var text = HelmTool.Instance.Run(cluster.Kubeconfig, ["template", ChartCase.Release, ChartCase.ChartDirectory, "--namespace", ChartCase.Namespace, "--dry-run=server", .. args]).Succeeded();
        return new Rendered(text, [.. YamlToJson.Documents(text).OfType<JsonObject>()]);
    }

    private static Dictionary<string, Dictionary<string, string>> Secrets(Rendered rendered) =>
        rendered.OfKind("Secret").ToDictionary(
            s => (string)s["metadata"]!["name"]!,
            s => s["data"]!.AsObject().ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!))));
}
