using System.Diagnostics;
using Xunit;

namespace Paas.Builder.Tests.Stack;

/// <summary>
/// The launcher (<c>stack/launcher/paas-launcher</c>, the stack's entrypoint) in the real stack under podman, with a
/// hand-made <c>/app</c> mounted: the Heroku buildpack API at start (HOME, cd /app, .profile.d, PORT default 5000), process
/// types from <c>/app/.paas/process-types</c>, exit codes and SIGTERM passed through.
/// </summary>
public sealed class LauncherTests(PodmanStack stack) : IClassFixture<PodmanStack>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _app = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "paas-launcher-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    [Fact]
    public async Task A_command_runs_in_app_as_the_stack_user_and_its_exit_code_is_kept()
    {
        var (code, output) = await RunAsync([], "echo $HOME $PWD $PORT $(id -un); exit 3");
        Assert.Equal(3, code);
        Assert.Equal("/app /app 5000 paas", output.Trim());
    }

    [Fact]
    public async Task Profile_d_scripts_are_sourced_before_the_command()
    {
        Directory.CreateDirectory(Path.Combine(_app, ".profile.d"));
        await File.WriteAllTextAsync(Path.Combine(_app, ".profile.d", "a.sh"), "export GREETING=hello\n");
        await File.WriteAllTextAsync(Path.Combine(_app, ".profile.d", "b.sh"), "export GREETING=\"$GREETING world\"\n");
        var (code, output) = await RunAsync([], "echo $GREETING");
        Assert.Equal(0, code);
        Assert.Equal("hello world", output.Trim());
    }

    [Fact]
    public async Task A_process_type_runs_its_command_from_the_process_types_file_with_the_given_port()
    {
        Directory.CreateDirectory(Path.Combine(_app, ".paas"));
        await File.WriteAllTextAsync(Path.Combine(_app, ".paas", "process-types"), "web: echo web on $PORT\nworker: echo working; exit 4\n");
        Assert.Equal((0, "web on 7000"), Trim(await RunAsync(["-e", "PORT=7000"], "web")));
        Assert.Equal((0, "web on 5000"), Trim(await RunAsync([])));
        Assert.Equal((4, "working"), Trim(await RunAsync([], "worker")));
    }

    [Fact]
    public async Task A_Procfile_is_used_when_there_is_no_process_types_file_and_several_arguments_run_as_given()
    {
        await File.WriteAllTextAsync(Path.Combine(_app, "Procfile"), "web: echo from the Procfile\n");
        Assert.Equal((0, "from the Procfile"), Trim(await RunAsync([], "web")));
        Assert.Equal((0, "a b"), Trim(await RunAsync([], "echo", "a b")));
    }

    [Fact]
    public async Task Sigterm_reaches_the_app_which_stops_gracefully()
    {
        await StopAsync("""
            import signal, sys, time
            def stop(*_):
                print("graceful stop", flush=True)
                sys.exit(0)
            signal.signal(signal.SIGTERM, stop)
            print("ready", flush=True)
            time.sleep(600)
            """, expectedExitCode: "0", expectedLog: "graceful stop");
    }

    [Fact]
    public async Task Sigterm_stops_an_app_that_has_no_handler_although_the_launcher_started_as_pid_1()
    {
        await StopAsync("""
            import time
            print("ready", flush=True)
            time.sleep(600)
            """, expectedExitCode: "143", expectedLog: "ready");
    }

    private async Task StopAsync(string program, string expectedExitCode, string expectedLog)
    {
        var image = stack.Require();
        Directory.CreateDirectory(Path.Combine(_app, ".paas"));
        await File.WriteAllTextAsync(Path.Combine(_app, "app.py"), program);
        await File.WriteAllTextAsync(Path.Combine(_app, ".paas", "process-types"), "web: python3 app.py\n");
        var name = "paas-launcher-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await Tools.CheckAsync("podman", Timeout, [.. Tools.RunFlags, "-d", "--name", name, "-v", _app + ":/app", image, "web"]);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!(await Tools.RunAsync("podman", Timeout, "logs", name)).Output.Contains("ready", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            var processes = await Tools.CheckAsync("podman", Timeout, "exec", name, "ps", "-eo", "pid=,comm=");
            Assert.Matches(@"^\s*1 tini\n\s*\d+ python3\n", processes);
            var stopping = Stopwatch.StartNew();
            await Tools.CheckAsync("podman", Timeout, "stop", "-t", "20", name);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"podman stop took {stopping.Elapsed}");
            Assert.Contains(expectedLog, (await Tools.RunAsync("podman", Timeout, "logs", name)).Output);
            Assert.Equal(expectedExitCode, (await Tools.CheckAsync("podman", Timeout, "inspect", "--format", "{{.State.ExitCode}}", name)).Trim());
        }
        finally
        {
            await Tools.RunAsync("podman", Timeout, "rm", "-f", name);
        }
    }

    public void Dispose() => Directory.Delete(_app, recursive: true);

    private static (int, string) Trim((int Code, string Output) result) => (result.Code, result.Output.Trim());

    private async Task<(int Code, string Output)> RunAsync(string[] flags, params string[] args)
    {
        var image = stack.Require();
        var (code, output, _) = await Tools.RunAsync("podman", Timeout, [.. Tools.RunFlags, "--rm", .. flags, "-v", _app + ":/app", image, .. args]);
        return (code, output);
    }
}
