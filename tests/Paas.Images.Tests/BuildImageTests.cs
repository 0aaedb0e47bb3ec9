using System.Text.Json;

namespace Paas.Images.Tests;

/// <summary>paas/build under podman: the build pods' image has the tools the buildpacks call and the buildpacks, as user 1000.</summary>
public sealed class BuildImageTests(BuildImage image)
{
    [Fact]
    public async Task It_runs_as_1000_with_git_node_npm_the_dotnet_sdk_and_the_buildpacks()
    {
        var reference = await image.RequireAsync();
        var (code, output, error) = await Container.RunToEndAsync(reference, ["-e", "DOTNET_CLI_HOME=/tmp"], "bash", "-c",
            "id -u; git --version; node --version; npm --version; dotnet --version; ls /opt/paas/buildpacks; /opt/paas/buildpacks/nodejs/bin/detect /opt/paas/buildpacks/nodejs || echo no-package-json");
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1000", lines[0]);
        Assert.StartsWith("git version 2.", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("v22.", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("10.", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("10.", lines[4], StringComparison.Ordinal);
        Assert.Equal(["dotnet", "nodejs", "procfile", "static"], lines[5..9]);
        Assert.Equal("no-package-json", lines[9]);
    }

    [Fact]
    public async Task Its_config_has_no_launcher_entrypoint_and_no_port()
    {
        var layout = image.Layout;
        ExternalTool.RequireOrSkip("skopeo");
        using var config = JsonDocument.Parse(await ExternalTool.RunAsync("skopeo", TimeSpan.FromMinutes(1), "inspect", "--config", $"oci:{layout}"));
        var settings = config.RootElement.GetProperty("config");
        Assert.Equal("1000:1000", settings.GetProperty("User").GetString());
        Assert.False(settings.TryGetProperty("Entrypoint", out var entrypoint) && entrypoint.ValueKind == JsonValueKind.Array && entrypoint.GetArrayLength() > 0);
        Assert.DoesNotContain(settings.GetProperty("Env").EnumerateArray(), e => e.GetString()!.StartsWith("PORT=", StringComparison.Ordinal));
    }
}
