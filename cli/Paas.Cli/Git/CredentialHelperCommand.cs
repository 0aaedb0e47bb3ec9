namespace Paas.Cli.Git;

/// <summary>
/// The value of <c>credential.&lt;url&gt;.helper</c> that makes git ask this very <c>paas</c> for credentials:
/// a shell command (git runs helpers starting with <c>!</c> through the shell, appending get/store/erase).
/// </summary>
internal static class CredentialHelperCommand
{
    public static string ForCurrentProcess()
    {
        var processPath = Environment.ProcessPath ?? "paas";
        var name = Path.GetFileNameWithoutExtension(processPath);
        if (string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "paas.dll");
            return $"!{ShellQuote(processPath)} {ShellQuote(dll)} git:credentials";
        }

        return $"!{ShellQuote(processPath)} git:credentials";
    }

    /// <summary>Quotes for POSIX sh: single quotes, with each embedded quote written as <c>'\''</c>.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
