using Paas.Testing.Kubernetes.Tests.Support;

namespace Paas.Testing.Kubernetes.Tests;

/// <summary>Replays the v1.32 recordings (exchanges/) against the fake: status codes, Status bodies and object shapes.</summary>
public sealed class ReplayCoreTests
{
    private static FakeKubernetesOptions Options() => new() { RunControllers = false };

    private static async Task SeedAsync(FakeClient client)
    {
        foreach (var file in new[] { "10-apply-namespace", "11-apply-secret", "12-apply-deployment" })
        {
            var (status, _, body) = await client.ReplayAsync(Recordings.Exchange($"exchanges/{file}.json"));
            Assert.True(status == 201, $"{file}: {status} {body?.ToJsonString()}");
        }
    }

    private static async Task SeedUpdatedAsync(FakeClient client)
    {
        await SeedAsync(client);
        var (status, _, body) = await client.ReplayAsync(Recordings.Exchange("exchanges/17-apply-deployment-new-image.json"));
        Assert.True(status == 200, $"17: {status} {body?.ToJsonString()}");
    }

    [Fact]
    public async Task Apply_namespace_secret_deployment_service_hpa_answer_as_recorded()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync(Options());
        using var client = new FakeClient(server);
        foreach (var file in new[] { "10-apply-namespace", "11-apply-secret", "12-apply-deployment", "13-apply-service", "14-apply-hpa" })
        {
            var exchange = Recordings.Exchange($"exchanges/{file}.json");
            var (status, response, body) = await client.ReplayAsync(exchange);
            Assert.True(exchange["response"]!["status"]!.GetValue<int>() == status, $"{file}: {status} {body?.ToJsonString()}");
            Shapes.AssertSame(exchange["response"]!["body"], body);
            Assert.Equal("no-cache, private", response.Headers.CacheControl?.ToString());
            Assert.True(response.Headers.Contains("Audit-Id"));
            Assert.True(response.Headers.Contains("X-Kubernetes-Pf-Flowschema-Uid"));
        }
    }

    [Theory]
    [InlineData("20-apply-deployment-conflict-409")]
    [InlineData("21-apply-deployment-negative-replicas-422")]
    [InlineData("22-apply-deployment-bad-label-value-422")]
    [InlineData("23-get-missing-deployment-404")]
    [InlineData("25-apply-deployment-uppercase-name-422")]
    [InlineData("26-create-existing-deployment-409-already-exists")]
    [InlineData("27-put-deployment-stale-resourceversion-409")]
    [InlineData("28-apply-without-fieldmanager-422")]
    [InlineData("29-apply-name-mismatch-400")]
    [InlineData("30-list-deployments-forbidden-403")]
    [InlineData("73-delete-missing-secret-404")]
    public async Task Errors_answer_the_recorded_status(string file)
    {
        await using var server = await FakeKubernetesApiServer.StartAsync(Options());
        using var client = new FakeClient(server);
        await SeedUpdatedAsync(client);
        server.Deny("list", "apps", "deployments", "jane");
        if (file.StartsWith("73", StringComparison.Ordinal))
        {
            await client.SendAsync("DELETE", "/api/v1/namespaces/demo-app/secrets/demo-app-env");
        }

        var exchange = Recordings.Exchange($"exchanges/{file}.json");
        var (status, _, body) = await client.ReplayAsync(exchange);
        Assert.Equal(exchange["response"]!["status"]!.GetValue<int>(), status);
        Shapes.AssertSame(exchange["response"]!["body"], body);
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_the_recorded_401()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync(Options());
        using var client = new FakeClient(server, anonymous: true);
        var exchange = Recordings.Exchange("exchanges/24-get-without-token-401.json");
        var (status, _, body) = await client.ReplayAsync(exchange);
        Assert.Equal(401, status);
        Shapes.AssertSame(exchange["response"]!["body"], body);
    }

    [Fact]
    public async Task No_op_apply_keeps_resource_version_and_a_new_image_bumps_generation()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync(Options());
        using var client = new FakeClient(server);
        await SeedAsync(client);
        var created = server.Get("apps/v1", "Deployment", "demo-app", "demo-app-web")!;
        var noop = Recordings.Exchange("exchanges/12-apply-deployment.json");
        var (status, _, body) = await client.ReplayAsync(noop);
        Assert.Equal(200, status);
        Assert.Equal(created["metadata"]!["resourceVersion"]!.GetValue<string>(), body!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(created["metadata"]!["managedFields"]!.ToJsonString(), body["metadata"]!["managedFields"]!.ToJsonString());
        Assert.Equal(1, body["metadata"]!["generation"]!.GetValue<int>());

        var update = Recordings.Exchange("exchanges/17-apply-deployment-new-image.json");
        (status, _, body) = await client.ReplayAsync(update);
        Assert.Equal(200, status);
        Assert.Equal(2, body!["metadata"]!["generation"]!.GetValue<int>());
        Assert.NotEqual(created["metadata"]!["resourceVersion"]!.GetValue<string>(), body["metadata"]!["resourceVersion"]!.GetValue<string>());
        Shapes.AssertSame(update["response"]!["body"]!["spec"], body["spec"]);
        Shapes.AssertSame(update["response"]!["body"]!["metadata"]!["managedFields"]![0], body["metadata"]!["managedFields"]![0]);
    }

    [Fact]
    public async Task Delete_answers_status_for_secrets_and_hpas_and_the_object_for_services()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync(Options());
        using var client = new FakeClient(server);
        await SeedAsync(client);
        await client.ReplayAsync(Recordings.Exchange("exchanges/13-apply-service.json"));
        await client.ReplayAsync(Recordings.Exchange("exchanges/14-apply-hpa.json"));
        foreach (var file in new[] { "70-delete-secret", "71-delete-service", "72-delete-hpa" })
        {
            var exchange = Recordings.Exchange($"exchanges/{file}.json");
            var (status, _, body) = await client.ReplayAsync(exchange);
            Assert.Equal(200, status);
            Assert.Equal(exchange["response"]!["body"]!["kind"]!.GetValue<string>(), body!["kind"]!.GetValue<string>());
            if (body["kind"]!.GetValue<string>() == "Status")
            {
                Shapes.AssertSame(exchange["response"]!["body"], body);
            }
        }
    }
}
