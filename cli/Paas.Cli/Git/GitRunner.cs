using System.ComponentModel;
using System.Diagnostics;

namespace Paas.Cli.Git;

/// <summary>Runs the <c>git</c> program in a working directory (no libgit2 here: see environment.md).</summary>
internal sealed class GitRunner(string workingDirectory)
{
    public string WorkingDirectory { get; } = workingDirectory;

    public async Task<GitResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CliException("could not start git.");
        }
        catch (Win32Exception e)
        {
            throw new CliException($"could not run git ({e.Message}); install git and try again.");
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return new GitResult(process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>Whether the working directory is inside a git work tree.</summary>
    public async Task<bool> IsRepositoryAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await RunAsync(["rev-parse", "--is-inside-work-tree"], cancellationToken);
            return result.Succeeded && result.StandardOutput.Trim() == "true";
        }
        catch (CliException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> lies in the working directory's git work tree and git would add it (no
    /// <c>.gitignore</c> rule covers it): false outside a repository, outside the work tree, or without git.
    /// </summary>
    public async Task<bool> WouldAddAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            // check-ignore: 0 ignored, 1 not ignored, 128 not a repository or a path outside it.
            return (await RunAsync(["check-ignore", "-q", "--", path], cancellationToken)).ExitCode == 1;
        }
        catch (CliException)
        {
            return false;
        }
    }

    /// <summary>The URL of a remote, or null when there is no such remote (or no repository, or no git).</summary>
    public async Task<string?> GetRemoteUrlAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var result = await RunAsync(["remote", "get-url", name], cancellationToken);
            return result.Succeeded ? result.StandardOutput.Trim() : null;
        }
        catch (CliException)
        {
            return null;
        }
    }

    /// <summary>Runs git and throws a <see cref="CliException"/> with git's own message when it fails.</summary>
    public async Task<string> RunCheckedAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var list = arguments.ToList();
        var result = await RunAsync(list, cancellationToken);
        if (!result.Succeeded)
        {
            var message = result.StandardError.Trim().Split('\n').FirstOrDefault(l => l.Length > 0) ?? $"exit code {result.ExitCode}";
            throw new CliException($"git {string.Join(' ', list)} failed: {message}");
        }

        return result.StandardOutput;
    }
}
