using System.CommandLine;

namespace Paas.Cli.Commands;

/// <summary>Options many verbs share. Each verb gets its own instances (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<string> App() => new("--app", "-a")
    {
        Description = "The app (default: the app of the `paas` git remote of the current repository)",
        HelpName = "APP",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the API's JSON instead of text, for scripts",
    };
}
