namespace Paas.Scheduling.Tests;

/// <summary>The one environment rule every runtime applies (<see cref="DynoEnvironment"/>).</summary>
public sealed class DynoEnvironmentTests
{
    private static DeploymentSpec Spec(IReadOnlyDictionary<string, string> config, string? sha = "a61c3f1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b") => new(
        "hello",
        12,
        "127.0.0.1:5000/hello@sha256:5f3c",
        config,
        new Dictionary<string, string> { ["web"] = "node server.js" },
        new Dictionary<string, int> { ["web"] = 1 },
        sha)
    {
        AppId = "4f9c2b1e-8d3a-4c5b-9e7f-0a1b2c3d4e5f",
        ReleaseCreatedAt = new DateTimeOffset(2026, 12, 6, 18, 0, 42, TimeSpan.FromHours(1)),
        ReleaseSummary = "alice deployed a61c3f1",
    };

    [Fact]
    public void A_process_gets_heroku_dyno_metadata_and_deis_workflow_release_variables()
    {
        var env = DynoEnvironment.Resolve(Spec(new Dictionary<string, string> { ["FOO"] = "bar" }), "web.1", "d1", 5000);

        Assert.Equal(
            [
                "FOO=bar", "PORT=5000", "DYNO=web.1", "PS=web.1", "PAAS_APP=hello", "PAAS_RELEASE=v12",
                "SOURCE_VERSION=a61c3f1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b", "HEROKU_APP_ID=4f9c2b1e-8d3a-4c5b-9e7f-0a1b2c3d4e5f",
                "HEROKU_APP_NAME=hello", "HEROKU_DYNO_ID=d1", "HEROKU_RELEASE_CREATED_AT=2026-12-06T17:00:42Z", "HEROKU_RELEASE_VERSION=v12",
                "HEROKU_SLUG_COMMIT=a61c3f1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b", "HEROKU_SLUG_DESCRIPTION=Deploy a61c3f1",
                "WORKFLOW_RELEASE=v12", "WORKFLOW_RELEASE_SUMMARY=alice deployed a61c3f1", "WORKFLOW_RELEASE_CREATED_AT=2026-12-06T17:00:42UTC",
            ],
            env.Select(e => $"{e.Key}={e.Value}"));
    }

    [Fact]
    public void A_config_var_wins_over_metadata_but_never_over_the_names_the_platform_owns()
    {
        var config = new Dictionary<string, string> { ["HEROKU_APP_NAME"] = "custom", ["WORKFLOW_RELEASE"] = "mine", ["SOURCE_VERSION"] = "pinned", ["DYNO"] = "forged", ["PAAS_RELEASE"] = "v0" };

        var env = DynoEnvironment.Resolve(Spec(config), "web.1", "d1", null).ToLookup(e => e.Key, e => e.Value);

        Assert.Equal(["custom"], env["HEROKU_APP_NAME"]);
        Assert.Equal(["mine"], env["WORKFLOW_RELEASE"]);
        Assert.Equal(["pinned"], env["SOURCE_VERSION"]);
        Assert.Equal(["web.1"], env["DYNO"]); // each name once: the platform's
        Assert.Equal(["v12"], env["PAAS_RELEASE"]);
        Assert.Empty(env["PORT"]);
        Assert.DoesNotContain(DynoEnvironment.Variables(Spec(config), null), v => v.Name == "HEROKU_APP_NAME");
    }

    [Fact]
    public void Unknown_metadata_is_left_out_and_an_image_deploy_is_described_by_its_image()
    {
        var spec = Spec(new Dictionary<string, string>(), sha: null) with { AppId = null, ReleaseCreatedAt = null, ReleaseSummary = null };

        var names = DynoEnvironment.Variables(spec, 5000).ToDictionary(v => v.Name);

        Assert.DoesNotContain("SOURCE_VERSION", names.Keys);
        Assert.DoesNotContain("HEROKU_SLUG_COMMIT", names.Keys);
        Assert.DoesNotContain("HEROKU_APP_ID", names.Keys);
        Assert.DoesNotContain("HEROKU_RELEASE_CREATED_AT", names.Keys);
        Assert.DoesNotContain("WORKFLOW_RELEASE_SUMMARY", names.Keys);
        Assert.Equal("Deploy 127.0.0.1:5000/hello@sha256:5f3c", names["HEROKU_SLUG_DESCRIPTION"].Value);
        Assert.Equal(DynoValueSource.DynoId, names["HEROKU_DYNO_ID"].Source);
        Assert.Equal(DynoValueSource.DynoName, names["DYNO"].Source);
    }
}
