using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Paas.Domain;
using Paas.Kubernetes.Images;
using Paas.Kubernetes.Objects;
using Paas.Scheduling;
using Paas.Testing;

namespace Paas.Kubernetes.Tests.Objects;

/// <summary>
/// Golden files of every object <see cref="AppObjectsBuilder"/> writes (<c>Golden/*.json</c>, one JSON array per release, in
/// the order the scheduler applies them). Set <c>PAAS_UPDATE_GOLDEN=1</c> to rewrite them after an intended change, then
/// review the diff.
/// </summary>
public sealed class AppObjectsGoldenTests
{
    internal const string Digest = "sha256:5f3c1e2d4b6a79880c1d2e3f4a5b6c7d8e9f00112233445566778899aabbccdd";

    internal static readonly KubernetesOptions Options = new();

    /// <summary>
    /// A buildpack app on the stack: web x2 with limits and a health check (which wins over the config var), an autoscaled
    /// worker with a memory limit, a type with '_' at 0, a pull credential, the release metadata, and a config var
    /// (<c>HEROKU_APP_NAME</c>) that replaces the platform's metadata of that name.
    /// </summary>
    internal static AppObjects Buildpack() => AppObjectsBuilder.Build(
        BuildpackSpec(),
        Options,
        $"127.0.0.1:5000/hello@{Digest}",
        new ImageStart(true),
        new RegistryPullCredential("127.0.0.1:5000", "paas-pull+hello", "paas_pull_0123456789abcdef"));

    /// <summary>The release of <see cref="Buildpack"/>.</summary>
    internal static DeploymentSpec BuildpackSpec() => new(
        "hello",
        7,
        $"127.0.0.1:5000/hello@{Digest}",
        new Dictionary<string, string> { ["GREETING"] = "hi", ["PAAS_HEALTHCHECK_PATH"] = "/health", ["DATABASE_URL"] = "postgres://u:p@db/hello", ["HEROKU_APP_NAME"] = "hello-prod" },
        new Dictionary<string, string> { ["web"] = "node server.js", ["worker"] = "node worker.js", ["clock_tick"] = "node clock.js" },
        new Dictionary<string, int> { ["web"] = 2, ["worker"] = 1, ["clock_tick"] = 0 },
        "a61c3f1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b")
    {
        AppId = "4f9c2b1e-8d3a-4c5b-9e7f-0a1b2c3d4e5f",
        ReleaseCreatedAt = new DateTimeOffset(2026, 12, 6, 18, 0, 42, TimeSpan.FromHours(1)),
        ReleaseSummary = "alice deployed a61c3f1",
        Limits = new Dictionary<string, ProcessLimits> { ["web"] = new(1L << 30, 500), ["worker"] = new(256L << 20, null) },
        HealthChecks = new Dictionary<string, HealthCheck> { ["web"] = new("/ready", 3, 5, 2) },
        Autoscale = new Dictionary<string, AutoscalePolicy> { ["worker"] = new(2, 5, 70) },
    };

    /// <summary>An image pulled from elsewhere (<c>paas pull</c>): its own entrypoint for web, a Procfile command for worker.</summary>
    internal static AppObjects Pulled() => AppObjectsBuilder.Build(
        new DeploymentSpec(
            "shop",
            3,
            $"registry.example.com/team/shop@{Digest}",
            new Dictionary<string, string>(),
            new Dictionary<string, string> { ["web"] = "", ["worker"] = "bundle exec sidekiq" },
            new Dictionary<string, int> { ["web"] = 1, ["worker"] = 1 },
            null),
        Options,
        $"registry.example.com/team/shop@{Digest}",
        new ImageStart(false, ExposedPort: 8080), // EXPOSE 8080: PORT, the container port and the probe follow
        null);

    public static TheoryData<string> Cases => ["hello-v7", "shop-v3"];

    internal static AppObjects Case(string name) => name == "hello-v7" ? Buildpack() : Pulled();

    internal static IEnumerable<object> All(AppObjects objects) =>
        new object?[] { objects.Namespace, objects.NetworkPolicy, objects.PullSecret, objects.EnvSecret }
            .Concat(objects.Deployments).Append(objects.Service).Concat(objects.Autoscalers).Concat(objects.DisruptionBudgets).OfType<object>();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Objects_match_their_golden_file(string name)
    {
        var actual = new JsonArray([.. All(Case(name)).Select(o => JsonNode.Parse(KubernetesJson.Serialize(o)))]).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = Path.Combine(RepoPaths.Root, "tests", "Paas.Kubernetes.Tests", "Golden", name + ".json");
        if (Environment.GetEnvironmentVariable("PAAS_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run with PAAS_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void Web_runs_behind_a_readiness_probe_and_rolls_with_max_unavailable_0()
    {
        var web = Buildpack().Deployments.Single(d => d.Metadata.Name == "hello-web");

        Assert.Equal(0, web.Spec.Strategy.RollingUpdate.MaxUnavailable.ToInt());
        var container = web.Spec.Template.Spec.Containers.Single();
        Assert.Equal("/ready", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(2, container.ReadinessProbe.FailureThreshold);
        Assert.Equal("1Gi", container.Resources.Limits["memory"].ToString());
        Assert.Equal("500m", container.Resources.Limits["cpu"].ToString());
        Assert.Equal(["node server.js"], container.Args);
        Assert.Null(container.Command);
        Assert.Equal(30, web.Spec.Template.Spec.TerminationGracePeriodSeconds);
        Assert.False(web.Spec.Template.Spec.AutomountServiceAccountToken);
    }

    [Fact]
    public void An_autoscaled_type_leaves_its_replicas_to_the_autoscaler()
    {
        var objects = Buildpack();

        Assert.Null(objects.Deployments.Single(d => d.Metadata.Name == "hello-worker").Spec.Replicas);
        var hpa = Assert.Single(objects.Autoscalers);
        Assert.Equal(("hello-worker", 2, 5, 70), (hpa.Spec.ScaleTargetRef.Name, hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas, hpa.Spec.Metrics[0].Resource.Target.AverageUtilization));
        Assert.Equal(["hello-web", "hello-worker"], objects.DisruptionBudgets.Select(b => b.Metadata.Name));
    }

    [Fact]
    public void Types_map_to_dns_labels_and_keep_their_name_in_an_annotation()
    {
        var clock = Buildpack().Deployments.Single(d => d.Metadata.Name == "hello-clock-tick");

        Assert.Equal(0, clock.Spec.Replicas);
        Assert.Equal("clock_tick", clock.Spec.Template.Metadata.Annotations[KubernetesNames.ProcessTypeAnnotation]);
        Assert.Equal("clock-tick", clock.Spec.Selector.MatchLabels[KubernetesNames.TypeLabel]);
    }

    [Fact]
    public void A_process_type_ending_in_a_dash_still_makes_a_valid_name() =>
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", KubernetesNames.Type("web_"));

    [Fact]
    public void Images_without_the_launcher_run_commands_with_sh()
    {
        var objects = Pulled();

        var web = objects.Deployments.Single(d => d.Metadata.Name == "shop-web").Spec.Template.Spec.Containers.Single();
        var worker = objects.Deployments.Single(d => d.Metadata.Name == "shop-worker").Spec.Template.Spec.Containers.Single();
        Assert.Null(web.Command);
        Assert.Null(web.Args);
        Assert.Equal(["/bin/sh", "-c", "bundle exec sidekiq"], worker.Command);
        Assert.Null(objects.PullSecret);
        Assert.Null(worker.ReadinessProbe);
    }
}
