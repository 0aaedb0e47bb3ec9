using System.Diagnostics;

namespace Paas.Images.Tests.Infrastructure;

/// <summary>
/// A container started detached with the podman flags that work on these machines (runc, explicit ulimits:
/// shared/docs/environment.md), named <c>paas-images-test-ID</c>; removed with its anonymous volumes on dispose.
/// </summary>
public sealed class Container : IAsyncDisposable
{
    /// <summary>podman's run flags that work here.</summary>
    public static readonly string[] RunFlags = ["--runtime", "runc", "run", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private Container(string name) => Name = name;

    /// <summary>The container's name.</summary>
    public string Name { get; }

    /// <summary>Starts <paramref name="image"/> detached.</summary>
    /// <param name="image">The image reference.</param>
    /// <param name="options">podman run options (ports, volumes, environment).</param>
    /// <param name="command">The command (arguments to the image's entrypoint); none for the image's own.</param>
    /// <returns>The running container.</returns>
    public static async Task<Container> StartAsync(string image, IEnumerable<string> options, params string[] command)
    {
        var name = "paas-images-test-" + Guid.NewGuid().ToString("N")[..12];
        await ExternalTool.RunAsync("podman", Timeout, [.. RunFlags, "-d", "--name", name, .. options, image, .. command]);
        return new Container(name);
    }

    /// <summary>Runs <paramref name="image"/> to its end (removed after); its exit code and output.</summary>
    public static Task<(int Code, string Output, string Error)> RunToEndAsync(string image, IEnumerable<string> options, params string[] command) =>
        ExternalTool.RunRawAsync("podman", Timeout, [.. RunFlags, "--rm", .. options, image, .. command]);

    /// <summary>Everything the container wrote, standard output then standard error.</summary>
    public async Task<string> LogsAsync()
    {
        var (_, output, error) = await ExternalTool.RunRawAsync("podman", Timeout, "logs", Name);
        return output + error;
    }

    /// <summary>Whether it runs, and its exit code once it does not.</summary>
    public async Task<(bool Running, int ExitCode)> StateAsync()
    {
        var state = (await ExternalTool.RunAsync("podman", Timeout, "inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", Name)).Trim().Split(' ');
        return (state[0] == "true", int.Parse(state[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Fails the test with the container's log when it has stopped.</summary>
    public async Task AssertRunningAsync(string doing)
    {
        var (running, code) = await StateAsync();
        Assert.True(running, $"the container stopped (exit {code}) while {doing}; its log:\n{Tail(await LogsAsync())}");
    }

    /// <summary><c>podman stop</c> (SIGTERM, then SIGKILL after <paramref name="grace"/>); how long it took.</summary>
    public async Task<TimeSpan> StopAsync(int grace = 30)
    {
        var watch = Stopwatch.StartNew();
        await ExternalTool.RunAsync("podman", Timeout, "--runtime", "runc", "stop", "-t", grace.ToString(System.Globalization.CultureInfo.InvariantCulture), Name);
        return watch.Elapsed;
    }

    /// <summary>Starts the stopped container again (same file system and volumes).</summary>
    public Task RestartAsync() => ExternalTool.RunAsync("podman", Timeout, "--runtime", "runc", "start", Name);

    /// <summary>Runs a command in the container; its standard output.</summary>
    public Task<string> ExecAsync(params string[] command) => ExternalTool.RunAsync("podman", Timeout, ["--runtime", "runc", "exec", Name, .. command]);

    /// <summary>The last lines of a log, for assertion messages.</summary>
    public static string Tail(string text, int lines = 60) => string.Join('\n', text.Split('\n').TakeLast(lines));

    public async ValueTask DisposeAsync() => await ExternalTool.RunRawAsync("podman", Timeout, "rm", "-f", "-v", "-t", "0", Name);
}
