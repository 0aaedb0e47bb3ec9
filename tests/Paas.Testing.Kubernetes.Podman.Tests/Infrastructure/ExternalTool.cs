using System.Diagnostics;

namespace Paas.Testing.Kubernetes.Podman.Tests.Infrastructure;

/// <summary>Runs podman/buildah; outside CI tests skip (with the reason) when a tool is absent; in CI (CI=true) they fail.</summary>
public static class ExternalTool
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public static void RequireOrSkip(string name, string package)
    {
        if (Find(name) is null)
        {
            SkipOrFail($"'{name}' is not installed on this machine (CI installs it: apt-get install {package}).");
        }
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

    public static async Task<string> RunAsync(string tool, TimeSpan timeout, params string[] args)
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

        var output = await stdout;
        var error = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited with {process.ExitCode}:\n{output}\n{error}");
        }

        return output;
    }
}
