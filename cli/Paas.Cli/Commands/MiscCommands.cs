using System.CommandLine;
using System.Reflection;
using Paas.Cli.Hosting;

namespace Paas.Cli.Commands;

/// <summary><c>version</c> and <c>help</c>.</summary>
internal static class MiscCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [Version(context), Help()];

    public static string ClientVersion =>
        typeof(MiscCommands).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static Command Version(CliContext context)
    {
        var command = new Command("version", "Print the version of paas");
        command.SetAction(_ =>
        {
            context.Out.WriteLine($"paas {ClientVersion} (.NET {Environment.Version})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Help()
    {
        var verb = new Argument<string[]>("COMMAND") { Description = "The command to explain", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("help", "Show help for paas or one of its commands") { verb };

        // Help re-parses "COMMAND --help" against the root, so it shows the same text as --help.
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = parse.RootCommandResult.Command;
            string[] args = [.. parse.GetValue(verb) ?? [], "--help"];
            return await root.Parse(args).InvokeAsync(parse.InvocationConfiguration, cancellationToken);
        });
        return command;
    }
}
