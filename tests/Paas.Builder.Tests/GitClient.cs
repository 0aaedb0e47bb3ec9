using System.Diagnostics;
using System.Text;

namespace Paas.Builder.Tests;

/// <summary>A working copy made from a fixture app, pushed with the real <c>git</c> client.</summary>
internal sealed class GitClient : IDisposable
{
    private GitClient(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>A new repository holding a copy of <c>Fixtures/NAME</c> committed on <paramref name="branch"/>.</summary>
    public static async Task<GitClient> FromFixtureAsync(string fixture, string branch = "master")
    {
        var directory = Path.Combine(Path.GetTempPath(), "paas-git-" + Guid.NewGuid().ToString("N")[..10]);
        CopyTree(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture), directory);
        var client = new GitClient(directory);
        await client.MustAsync("init", "--quiet", "--initial-branch=" + branch);
        await client.MustAsync("add", "-A");
        await client.MustAsync("commit", "--quiet", "-m", "fixture " + fixture);
        return client;
    }

    /// <summary>An empty folder (for clones).</summary>
    public static GitClient Empty() => new(Path.Combine(Path.GetTempPath(), "paas-git-" + Guid.NewGuid().ToString("N")[..10]));

    public static void CopyTree(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.EnumerateFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows() && Path.GetFileName(file) is "compile" or "detect" or "release" or "start.sh" or "run")
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        foreach (var sub in System.IO.Directory.EnumerateDirectories(from))
        {
            CopyTree(sub, Path.Combine(to, Path.GetFileName(sub)));
        }
    }

    public async Task<string> HeadAsync() => (await MustAsync("rev-parse", "HEAD")).Trim();

    public async Task CommitChangeAsync(string file, string content)
    {
        await File.WriteAllTextAsync(Path.Combine(Directory, file), content);
        await MustAsync("add", "-A");
        await MustAsync("commit", "--quiet", "-m", "change " + file);
    }

    /// <summary>Runs git with credentials given by a credential helper (so the server's 401 challenge is exercised).</summary>
    public Task<(int Code, string Output)> RunAsync(string? username, string? token, params string[] args)
    {
        var all = new List<string>();
        if (username is not null)
        {
            all.AddRange(["-c", "credential.helper=", "-c", $"credential.helper=!f() {{ echo username={username}; echo password={token}; }}; f"]);
        }

        all.AddRange(args);
        return RunRawAsync(System.IO.Directory.Exists(Directory) ? Directory : Path.GetTempPath(), all);
    }

    /// <summary>Starts <c>git push URL master</c> (with <paramref name="options"/> after <c>push</c>, e.g. <c>--progress</c>); stderr is redirected.</summary>
    public Process StartPush(string username, string token, string url, params string[] options) => StartGit(username, token, ["push", .. options, url, "master"]);

    /// <summary>Starts <c>git ARGS</c> with credentials given by a credential helper; stdout and stderr are redirected.</summary>
    public Process StartGit(string username, string token, params string[] args)
    {
        var start = Start(System.IO.Directory.Exists(Directory) ? Directory : Path.GetTempPath(), ["-c", "credential.helper=", "-c", $"credential.helper=!f() {{ echo username={username}; echo password={token}; }}; f", .. args]);
        return Process.Start(start)!;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task<string> MustAsync(params string[] args)
    {
        var (code, output) = await RunRawAsync(Directory, args);
        return code == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {output}");
    }

    private static ProcessStartInfo Start(string directory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "Test";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        return start;
    }

    private static async Task<(int Code, string Output)> RunRawAsync(string directory, IEnumerable<string> args)
    {
        using var process = Process.Start(Start(directory, args))!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
