using Paas.Client;
using Paas.Testing.Kubernetes.Kubelet;
using Xunit;

namespace Paas.Builder.Tests.Pods;

/// <summary>
/// Builds in Kubernetes build pods against the fake API server (every object checked against the recorded OpenAPI
/// documents): the pod's shape, its log as <c>remote:</c> lines, the one-time transfers, and its deletion on success,
/// failure, timeout and a cancelled push.
/// </summary>
public sealed class BuildPodTests
{
    [Fact]
    public async Task A_push_compiles_in_a_build_pod_whose_log_reaches_the_pusher()
    {
        await using var cluster = await PodCluster.StartAsync();
        await cluster.Client.CreateAppAsync(new AppCreateRequest("podapp"));
        await cluster.Client.UpdateConfigAsync("podapp", new ConfigUpdateRequest(new Dictionary<string, string?> { ["SECRET_GREETING"] = "hello-from-config" }));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        var (code, output) = await repo.RunAsync("alice", cluster.Token, "push", $"{cluster.Platform.ApiUrl}/podapp.git", "master");

        Assert.True(code == 0, output);
        Assert.Contains("remote: -----> Fake app detected", output);
        Assert.Contains("remote:        compiled in a pod", output);
        Assert.Contains("remote:        Released v", output);
        var pod = Assert.Single(cluster.CreatedPods());
        Assert.Empty(cluster.Server.Validator.Validate(pod));
        var labels = pod["metadata"]!["labels"]!.AsObject();
        Assert.Equal("paas", (string?)labels["app.kubernetes.io/part-of"]);
        Assert.Equal("build", (string?)labels["app.kubernetes.io/component"]);
        Assert.Equal("podapp", (string?)labels["paas.io/app"]);
        var spec = pod["spec"]!;
        Assert.Equal("Never", (string?)spec["restartPolicy"]);
        Assert.False((bool)spec["automountServiceAccountToken"]!);
        Assert.Equal(60, (long)spec["activeDeadlineSeconds"]!);
        Assert.True((bool)spec["securityContext"]!["runAsNonRoot"]!);
        var container = spec["containers"]![0]!;
        Assert.Equal(PodCluster.Image, (string?)container["image"]);
        Assert.Equal("1Gi", (string?)container["resources"]!["limits"]!["memory"]);
        Assert.Equal("2", (string?)container["resources"]!["limits"]!["cpu"]);
        Assert.Equal("200m", (string?)container["resources"]!["requests"]!["cpu"]);
        Assert.DoesNotContain("hello-from-config", pod.ToJsonString()); // config vars travel in the download, never in the pod
        Assert.DoesNotContain(container["env"]!.AsArray(), e => ((string?)e!["name"])!.Contains("TOKEN", StringComparison.Ordinal));

        // The download held the commit and the config vars; both URLs were good once.
        var name = (string)pod["metadata"]!["name"]!;
        var downloaded = PodCluster.Downloads[name];
        Assert.True(File.Exists(Path.Combine(downloaded, "app", "Procfile")));
        Assert.Equal("hello-from-config", File.ReadAllText(Path.Combine(downloaded, "env", "SECRET_GREETING")));
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await BuilderPlatform.Http.GetAsync(env["PAAS_SOURCE_URL"], TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await BuilderPlatform.Http.GetAsync(env["PAAS_CACHE_URL"], TestContext.Current.CancellationToken)).StatusCode);
        foreach (var upload in new[] { "PAAS_SLUG_URL", "PAAS_CACHE_UPLOAD_URL" })
        {
            using var put = await BuilderPlatform.Http.PutAsync(env[upload], new ByteArrayContent([]), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, put.StatusCode);
        }

        Assert.Equal("nodejs dotnet static procfile", env["PAAS_DETECT_ORDER"]);

        // The release's types come from release.yml plus the Procfile, as for a local build; the pod is gone.
        var build = Assert.Single((await cluster.Client.ListBuildsAsync("podapp")).Results);
        Assert.Equal(["web", "worker"], build.ProcessTypes.Keys.Order(StringComparer.Ordinal));
        await cluster.WaitNoPodsAsync();
        Assert.Empty(cluster.Server.ControllerErrors);
    }

    [Fact]
    public async Task A_failing_compile_refuses_the_push_with_the_pods_reason_and_deletes_the_pod()
    {
        await using var cluster = await PodCluster.StartAsync();
        cluster.Pod = _ => new ContainerScript
        {
            LogLines = ["-----> Broken app detected", "paas-error: the broken buildpack failed to compile the app (exit code 3)"],
            ExitCode = 12,
        };
        await cluster.Client.CreateAppAsync(new AppCreateRequest("podfail"));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        var (code, output) = await repo.RunAsync("alice", cluster.Token, "push", $"{cluster.Platform.ApiUrl}/podfail.git", "master");

        Assert.NotEqual(0, code);
        Assert.Contains("remote: -----> Broken app detected", output);
        Assert.Contains("remote:  !     the broken buildpack failed to compile the app (exit code 3)", output);
        Assert.Contains("remote:  !     Push rejected, failed to build podfail", output);
        Assert.DoesNotContain("paas-error", output);
        Assert.Empty((await cluster.Client.ListBuildsAsync("podfail")).Results);
        await cluster.WaitNoPodsAsync();
    }

    [Theory]
    [InlineData("pull", "remote:  !     the build pod could not start (")]
    [InlineData("oom", "remote:  !     the build ran out of memory (OOMKilled at the build pod's limit of 1Gi)")]
    public async Task A_pod_that_cannot_run_is_a_clear_failure(string problem, string expected)
    {
        await using var cluster = await PodCluster.StartAsync();
        cluster.Pod = _ => problem == "pull" ? new ContainerScript { FailPull = true } : new ContainerScript { OomKilled = true, RunFor = TimeSpan.FromMilliseconds(200) };
        await cluster.Client.CreateAppAsync(new AppCreateRequest("podbad"));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        var (code, output) = await repo.RunAsync("alice", cluster.Token, "push", $"{cluster.Platform.ApiUrl}/podbad.git", "master");

        Assert.NotEqual(0, code);
        Assert.True(output.Contains(expected, StringComparison.Ordinal), output);
        await cluster.WaitNoPodsAsync();
    }

    [Fact]
    public async Task The_build_timeout_stops_the_build_and_deletes_the_pod()
    {
        await using var cluster = await PodCluster.StartAsync(buildTimeout: "00:00:03");
        cluster.Pod = _ => new ContainerScript { LogLines = ["-----> Hanging on purpose"] }; // runs until stopped
        await cluster.Client.CreateAppAsync(new AppCreateRequest("podhang"));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        var (code, output) = await repo.RunAsync("alice", cluster.Token, "push", $"{cluster.Platform.ApiUrl}/podhang.git", "master");

        Assert.NotEqual(0, code);
        Assert.Contains("remote: -----> Hanging on purpose", output);
        Assert.Contains("remote:  !     the build ran longer than 3 s and was stopped", output);
        Assert.Equal(3, (long)Assert.Single(cluster.CreatedPods())["spec"]!["activeDeadlineSeconds"]!);
        await cluster.WaitNoPodsAsync();
    }

    [Fact]
    public async Task A_cancelled_push_deletes_its_pod()
    {
        await using var cluster = await PodCluster.StartAsync();
        cluster.Pod = _ => new ContainerScript { LogLines = ["-----> Hanging on purpose"] };
        await cluster.Client.CreateAppAsync(new AppCreateRequest("podcancel"));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        using var push = repo.StartPush("alice", cluster.Token, $"{cluster.Platform.ApiUrl}/podcancel.git");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (cluster.Server.List("v1", "Pod", PodCluster.Namespace).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no build pod was created");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        push.Kill(entireProcessTree: true);

        await cluster.WaitNoPodsAsync();
        Assert.Empty((await cluster.Client.ListBuildsAsync("podcancel")).Results);
    }
}
