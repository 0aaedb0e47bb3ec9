using Paas.Domain.Shell;

namespace Paas.Cli.Git;

/// <summary>
/// The value of <c>credential.&lt;url&gt;.helper</c> that makes git ask <c>paas</c> for credentials: a shell command (git runs
/// helpers starting with <c>!</c> through the shell, appending get/store/erase; gitcredentials(7)).
/// </summary>
internal static class CredentialHelperCommand
{
    /// <summary>The helper as written when <c>paas</c> is on PATH: found by name when git runs it, so it keeps working after the
    /// CLI is rebuilt, moved or upgraded (scripts/start.sh installs <c>paas</c> on PATH).</summary>
    public const string OnPath = "!paas git:credentials";

    /// <summary>
    /// <see cref="OnPath"/> when the first <c>paas</c> on <paramref name="path"/> (the PATH variable; default this process's) is
    /// this CLI: this very executable, or a script that runs this CLI's <c>paas.dll</c> (the wrapper scripts/start.sh
    /// installs), so a stale <c>paas</c> elsewhere on PATH is never named; else the absolute path of this very process (and its <c>paas.dll</c> when run by <c>dotnet</c>), the
    /// only way git can find a CLI that is not installed.
    /// </summary>
    public static string ForCurrentProcess(string? path = null)
    {
        if (FirstOnPath("paas", path ?? Environment.GetEnvironmentVariable("PATH")) is { } found && IsThisCli(found))
        {
            return OnPath;
        }

        var processPath = Environment.ProcessPath ?? "paas";
        var name = Path.GetFileNameWithoutExtension(processPath);
        if (string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "paas.dll");
            return $"!{ShellWords.Quote(processPath)} {ShellWords.Quote(dll)} git:credentials";
        }

        return $"!{ShellWords.Quote(processPath)} git:credentials";
    }

    /// <summary>The first executable file <paramref name="name"/> in the absolute folders of <paramref name="path"/>, as the shell finds it; or null.</summary>
    private static FileInfo? FirstOnPath(string name, string? path) =>
        (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Where(Path.IsPathRooted)
            .Select(folder => new FileInfo(Path.Combine(folder, name)))
            .FirstOrDefault(file => file.Exists && (OperatingSystem.IsWindows() || (file.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0));

    private static bool IsThisCli(FileInfo file)
    {
        var target = file.LinkTarget is null ? file.FullName : file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file.FullName;
        if (string.Equals(target, Environment.ProcessPath, StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            return file.Length < 4096 && File.ReadAllText(target).Contains(Path.Combine(AppContext.BaseDirectory, "paas.dll"), StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
