using Paas.Cli.Settings;

namespace Paas.Cli.Tests.Cli;

public sealed class CliApplicationTests
{
    [Fact]
    public async Task An_unknown_verb_is_bad_usage_with_one_line_on_stderr()
    {
        using var cli = new CliRun();

        var (code, _, error) = await cli.RunAsync("frobnicate");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("paas: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Destroy_refuses_without_the_right_confirm_before_any_request()
    {
        using var cli = new CliRun(new() { ["PAAS_URL"] = "http://127.0.0.1:9", ["PAAS_TOKEN"] = "t" });

        var (code, _, error) = await cli.RunAsync("apps:destroy", "-a", "hello", "--confirm", "hallo");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--confirm hello", error);
    }

    [Fact]
    public async Task Without_a_token_commands_say_how_to_log_in()
    {
        using var cli = new CliRun();

        var (code, _, error) = await cli.RunAsync("config", "-a", "hello");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("paas: not logged in to http://localhost:7000; run `paas login http://localhost:7000` (or set PAAS_TOKEN).\n", error);
    }

    [Fact]
    public async Task Without_an_app_outside_a_repository_commands_say_how_to_name_one()
    {
        using var cli = new CliRun(new() { ["PAAS_TOKEN"] = "t" });

        var (code, _, error) = await cli.RunAsync("releases");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("use -a APP", error);
    }

    [Fact]
    public async Task An_unreachable_platform_exits_with_3()
    {
        using var cli = new CliRun(new() { ["PAAS_URL"] = "http://127.0.0.1:9", ["PAAS_TOKEN"] = "t" });

        var (code, _, error) = await cli.RunAsync("apps");

        Assert.Equal(ExitCodes.Unreachable, code);
        Assert.Contains("cannot reach the platform at http://127.0.0.1:9", error);
    }

    [Fact]
    public async Task The_credential_helper_answers_the_stored_token_only_for_the_platform_host()
    {
        using var cli = new CliRun();
        new SettingsStore(cli.Home).Save(new CliSettings("http://localhost:7000", "alice", "paas_tok"));

        var mine = await cli.RunInAsync(cli.Home, "protocol=http\nhost=localhost:7000\npath=hello.git\n\n", "git:credentials", "get");
        var other = await cli.RunInAsync(cli.Home, "protocol=https\nhost=github.com\n\n", "git:credentials", "get");

        Assert.Equal((0, "username=alice\npassword=paas_tok\n"), (mine.ExitCode, mine.Out));
        Assert.Equal((0, ""), (other.ExitCode, other.Out));
    }

    [Fact]
    public void The_credentials_file_is_private()
    {
        using var cli = new CliRun();
        var store = new SettingsStore(cli.Home);

        store.Save(new CliSettings("http://localhost:7000", "alice", "paas_tok"));

        Assert.Equal(new CliSettings("http://localhost:7000", "alice", "paas_tok"), store.Load());
        Assert.Contains("\"token\": \"paas_tok\"", File.ReadAllText(store.FilePath).Replace("\":\"", "\": \"", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.Directory));
        }
    }
}
