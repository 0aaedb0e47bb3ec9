using System.Diagnostics;
using Paas.Scheduling.Local;

namespace Paas.Builder;

/// <summary>
/// Runs one buildpack script with a clean environment (only the variables given), stdout and stderr
/// merged line by line into a callback, and, given a user, as that unprivileged user through <c>setpriv</c> (its own
/// group only, no new privileges: a setuid program gains nothing), every process of that user killed once the script
/// exits, so nothing it started keeps running. The whole process tree is killed when the token is cancelled (build timeout).
/// </summary>
internal static class BuildpackProcess
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>.</summary>
    /// <returns>The exit code; -1 when it was killed because the token was cancelled.</returns>
    public static async Task<int> RunAsync(
        string script,
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        SystemUser? runAsUser,
        Func<string, Task> onLine,
        CancellationToken cancellationToken)
    {
        var executable = OperatingSystem.IsWindows() || (File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0;
        var command = new List<string>();
        if (runAsUser is not null)
        {
            command.AddRange(["setpriv", $"--reuid={runAsUser.Uid}", $"--regid={runAsUser.Gid}", "--clear-groups", "--no-new-privs", "--"]);
        }

        if (!executable)
        {
            command.Add("/bin/bash");
        }

        command.Add(script);
        command.AddRange(args);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{script} could not be started");
        process.StandardInput.Close();
        var pump = Task.WhenAll(PumpAsync(process.StandardOutput, onLine), PumpAsync(process.StandardError, onLine));
        var cancelled = false;
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancelled = true;
        }

        if (runAsUser is not null)
        {
            await SystemUsers.KillAllAsync(runAsUser).ConfigureAwait(false); // what it left running out of its tree (setsid, double fork)
        }

        if (cancelled)
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAny(pump, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
            return -1;
        }

        await Task.WhenAny(pump, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static async Task PumpAsync(StreamReader reader, Func<string, Task> onLine)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            await onLine(line).ConfigureAwait(false);
        }
    }
}
