using System.Diagnostics;
using Xunit;

namespace Paas.Testing;

/// <summary>
/// The real command-line tools tests drive (podman, buildah, skopeo, docker-registry...). Outside CI a test whose tool is
/// missing skips with the reason; in CI (<c>CI=true</c>, set by <c>.ci/run</c>) it fails, since scripts/install-deps.sh
/// installs every tool the tests need.
/// </summary>
public static class ExternalTool
{
    /// <summary>Whether this run is CI's, where nothing may be skipped for a missing tool.</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>The tool's path on PATH, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Skips (fails in CI) when <paramref name="name"/> is not on PATH.</summary>
    /// <param name="name">The command.</param>
    /// <param name="package">The Debian package that brings it; default: the command's name.</param>
    public static void RequireOrSkip(string name, string? package = null)
    {
        if (Find(name) is null)
        {
            SkipOrFail($"'{name}' is not installed on this machine (CI installs it: apt-get install {package ?? name}).");
        }
    }

    /// <summary>The variable scripts/test.sh sets to the stack's OCI layout (the path <c>stack/build.sh</c> prints).</summary>
    public const string StackVariable = "PAAS_TEST_STACK_IMAGE";

    /// <summary>The stack's OCI layout (<see cref="StackVariable"/>), or skips (fails in CI) when it is not built.</summary>
    /// <param name="tests">What needs it, for the reason: <c>the image tests</c>, <c>the podman scheduler tests</c>.</param>
    /// <returns>The layout's folder, holding <c>index.json</c>.</returns>
    public static string StackOrSkip(string tests)
    {
        var layout = Environment.GetEnvironmentVariable(StackVariable);
        if (string.IsNullOrEmpty(layout) || !File.Exists(Path.Combine(layout, "index.json")))
        {
            SkipOrFail($"no stack: run 'export {StackVariable}=$(stack/build.sh)' (scripts/test.sh does) to run {tests}");
        }

        return layout!;
    }

    /// <summary>Skips the test with the reason, or fails it in CI where everything must be present.</summary>
    public static void SkipOrFail(string reason)
    {
        if (InCi)
        {
            Assert.Fail($"{reason} It is required in CI: scripts/install-deps.sh installs it.");
        }

        Assert.Skip(reason);
    }

    /// <summary>Runs a tool; returns its exit code, standard output and standard error.</summary>
    /// <exception cref="TimeoutException">It ran past <paramref name="timeout"/> (it is killed).</exception>
    public static async Task<(int Code, string Output, string Error)> RunRawAsync(string tool, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a tool that must succeed; returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">It exited non-zero (its output and error in the message).</exception>
    public static async Task<string> RunAsync(string tool, TimeSpan timeout, params string[] args)
    {
        var (code, output, error) = await RunRawAsync(tool, timeout, args);
        return code == 0 ? output : throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited with {code}:\n{output}\n{error}");
    }
}
