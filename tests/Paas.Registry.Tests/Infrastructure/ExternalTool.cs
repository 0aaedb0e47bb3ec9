using System.Diagnostics;

namespace Paas.Registry.Tests.Infrastructure;

/// <summary>Runs skopeo/podman; outside CI tests skip (with the reason) when the binary is absent; in CI (CI=true) they fail.</summary>
public static class ExternalTool
{
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public static void RequireOrSkip(string name)
    {
        if (Find(name) is null)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail($"'{name}' is required in CI: scripts/install-deps.sh installs it.");
            }

            Assert.Skip($"'{name}' is not installed on this machine (CI installs it: apt-get install {name}).");
        }
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
