using System.Text;
using System.Text.Json;
using Paas.Domain;
using Paas.Scheduling;
using Xunit;

namespace Paas.Builder.Tests.Dockerfile;

/// <summary>The rules of a Dockerfile build that need no buildah: the web command, the build settings, the exposed port.</summary>
public sealed class DockerfileRulesTests
{
    private const string Launcher = "/usr/local/bin/paas-launcher";
    private static readonly Uri Registry = new("http://127.0.0.1:5000");

    [Theory]
    [InlineData(null, new[] { "python3", "/srv/server.py" }, "python3 /srv/server.py")]
    [InlineData(new[] { Launcher }, new[] { "python3", "server.py" }, "python3 server.py")] // the launcher takes the CMD as its argument
    [InlineData(new[] { "/bin/app" }, new[] { "--port", "8080" }, "/bin/app --port 8080")]
    [InlineData(null, new[] { "/bin/sh", "-c", "exec node server.js > /tmp/log" }, "exec node server.js > /tmp/log")] // CMD in shell form
    [InlineData(null, new[] { "echo", "it's a $HOME; rm -rf /" }, "echo 'it'\\''s a $HOME; rm -rf /'")]
    [InlineData(null, new[] { "printf", "" }, "printf ''")]
    [InlineData(new[] { Launcher }, null, null)]
    [InlineData(null, null, null)]
    public void The_web_command_is_the_entrypoint_and_cmd_as_one_shell_line(string[]? entrypoint, string[]? cmd, string? web) =>
        Assert.Equal(web, ImageCommand.Web(entrypoint, cmd, Launcher));

    [Fact]
    public void A_quoted_command_runs_the_same_words_through_a_real_shell()
    {
        string[] words = ["printf", "%s|", "a b", "it's", "$HOME", "`id`", "*", "\\n"];
        var line = ImageCommand.Web(null, words, Launcher)!;
        var shell = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", line]) { RedirectStandardOutput = true })!;
        var printed = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();
        Assert.Equal("a b|it's|$HOME|`id`|*|\\n|", printed);
    }

    [Fact]
    public void The_pusher_pulls_from_the_platform_registry_and_only_the_stack_uses_the_service_credential()
    {
        var (settings, error) = BuildahSettings.For(new Dictionary<string, string>(), Registry, ("alice", "alice-token"), ("paas-service", "s3cret"), "paas/stack");
        Assert.Null(error);
        var auths = JsonDocument.Parse(settings!.PullAuth).RootElement.GetProperty("auths");
        Assert.Equal(["127.0.0.1:5000", "127.0.0.1:5000/paas/stack"], auths.EnumerateObject().Select(p => p.Name));
        Assert.Equal("alice:alice-token", Decode(auths.GetProperty("127.0.0.1:5000")));
        Assert.Equal("paas-service:s3cret", Decode(auths.GetProperty("127.0.0.1:5000/paas/stack")));
        Assert.Contains("unqualified-search-registries = [\"127.0.0.1:5000\"]", settings.RegistriesConf, StringComparison.Ordinal);
        Assert.Contains("insecure = true", settings.RegistriesConf, StringComparison.Ordinal); // plain http only because the URL says so

        var push = JsonDocument.Parse(BuildahSettings.PushAuth(Registry, "hello", ("paas-service", "s3cret"))).RootElement.GetProperty("auths");
        Assert.Equal(["127.0.0.1:5000/hello"], push.EnumerateObject().Select(p => p.Name)); // the service credential, for this app's repository only
    }

    [Fact]
    public void Build_arguments_and_other_registries_come_from_config_vars()
    {
        var config = new Dictionary<string, string>
        {
            [ConfigVarName.BuildArgs] = "GREETING, NPM_TOKEN",
            ["GREETING"] = "Howdy",
            ["NPM_TOKEN"] = "t0k3n",
            ["OTHER"] = "not passed",
            [ConfigVarName.BuildRegistryAuth] = "registry.example.com=me:pa:ss ghcr.io=you:tok",
        };
        var (settings, error) = BuildahSettings.For(config, Registry, ("alice", "t"), ("paas-service", "s"), "paas/stack");
        Assert.Null(error);
        Assert.Equal(["GREETING", "NPM_TOKEN"], settings!.BuildArgs);
        Assert.Equal("Howdy", settings.BuildArgValues["GREETING"]);
        var auths = JsonDocument.Parse(settings.PullAuth).RootElement.GetProperty("auths");
        Assert.Equal("me:pa:ss", Decode(auths.GetProperty("registry.example.com")));
        Assert.Equal("you:tok", Decode(auths.GetProperty("ghcr.io")));
    }

    [Theory]
    [InlineData(ConfigVarName.BuildArgs, "MISSING", "PAAS_BUILD_ARGS names MISSING, which is not a config var of this app")]
    [InlineData(ConfigVarName.BuildArgs, "BUILDAH_LAYERS", "a variable buildah itself reads")]
    [InlineData(ConfigVarName.BuildRegistryAuth, "registry.example.com", "is not HOST=USER:PASSWORD")]
    [InlineData(ConfigVarName.BuildRegistryAuth, "registry.example.com=me:", "is not HOST=USER:PASSWORD")]
    [InlineData(ConfigVarName.BuildRegistryAuth, "127.0.0.1:5000=bob:token", "the platform's own registry")] // nobody pulls the platform's images with someone else's sign-in
    [InlineData(ConfigVarName.BuildRegistryAuth, "127.0.0.1:5000/other=bob:token", "the platform's own registry")]
    public void A_wrong_build_setting_is_refused_with_the_setting_named(string name, string value, string reason)
    {
        var config = new Dictionary<string, string> { [name] = value, ["BUILDAH_LAYERS"] = "false" };
        var (settings, error) = BuildahSettings.For(config, Registry, ("alice", "t"), ("paas-service", "s"), "paas/stack");
        Assert.Null(settings);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain("token", error, StringComparison.Ordinal); // a password is never echoed
    }

    [Theory]
    [InlineData(new[] { "8080/tcp" }, 8080)]
    [InlineData(new[] { "8080" }, 8080)]
    [InlineData(new[] { "8080/tcp", "53/udp" }, 8080)]
    [InlineData(new[] { "8080/tcp", "9090/tcp" }, null)]
    [InlineData(new[] { "53/udp" }, null)]
    [InlineData(new[] { "http/tcp" }, null)]
    [InlineData(new string[0], null)]
    public void Exactly_one_exposed_tcp_port_is_the_web_port(string[] exposed, int? port) => Assert.Equal(port, ImagePorts.Web(exposed));

    [Fact]
    public void The_build_settings_are_the_only_PAAS_config_vars_an_app_may_set()
    {
        Assert.Null(ConfigVarName.Validate("PAAS_BUILDER"));
        Assert.Null(ConfigVarName.Validate("PAAS_BUILD_ARGS"));
        Assert.Null(ConfigVarName.Validate("PAAS_BUILD_REGISTRY_AUTH"));
        Assert.NotNull(ConfigVarName.Validate("PAAS_RELEASE"));
        Assert.NotNull(ConfigVarName.Validate("PAAS_BUILD"));
    }

    private static string Decode(JsonElement entry) => Encoding.UTF8.GetString(Convert.FromBase64String(entry.GetProperty("auth").GetString()!));
}
