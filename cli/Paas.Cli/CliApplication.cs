using System.CommandLine;
using System.Net;
using Paas.Cli.Commands;
using Paas.Cli.Hosting;
using Paas.Client;

namespace Paas.Cli;

/// <summary>
/// Builds the <c>paas</c> command tree, runs one command line, and turns failures into one line on stderr
/// (<c>paas: what went wrong and what to do</c>) and an exit code from <see cref="ExitCodes"/>.
/// </summary>
internal static class CliApplication
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand(
            "paas: the command line of the platform. Create an app with `paas create`, deploy with `git push paas master`.\n"
            + "Exit codes: 0 ok, 1 the platform refused or a step failed, 2 bad usage, 3 cannot reach the platform.\n"
            + "Environment: PAAS_URL and PAAS_TOKEN override ~/.paas/config.json.");
        IEnumerable<Command>[] groups =
        [
            AuthCommands.Create(context),
            AppsCommands.Create(context),
            ConfigCommands.Create(context),
            ReleasesCommands.Create(context),
            BuildsCommands.Create(context),
            RegistryCommands.Create(context),
            FormationCommands.Create(context),
            LimitsCommands.Create(context),
            HealthChecksCommands.Create(context),
            AutoscaleCommands.Create(context),
            PermsCommands.Create(context),
            TeamsCommands.Create(context),
            DomainsCommands.Create(context),
            DomainReservationsCommands.Create(context),
            CertsCommands.Create(context),
            SettingsCommands.Create(context),
            ProcessCommands.Create(context),
            GitCommands.Create(context),
            MiscCommands.Create(context),
        ];
        foreach (var command in groups.SelectMany(g => g))
        {
            root.Add(command);
        }

        root.SetAction((parse, cancellationToken) => root.Parse(["--help"]).InvokeAsync(parse.InvocationConfiguration, cancellationToken));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var root = Build(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var verb = parse.CommandResult.Command == root ? "" : " " + parse.CommandResult.Command.Name;
            await context.Error.WriteLineAsync($"paas: {parse.Errors[0].Message} See `paas help{verb}`.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (CliException e)
        {
            return await FailAsync(context, e.Message, e.ExitCode);
        }
        catch (PaasConnectionException e)
        {
            return await FailAsync(context, e.Message, ExitCodes.Unreachable);
        }
        catch (PaasApiException e)
        {
            var hint = e.StatusCode == HttpStatusCode.Unauthorized
                && parse.CommandResult.Command.Name is not ("login" or "register")
                && !e.Message.Contains("login", StringComparison.OrdinalIgnoreCase)
                    ? " Run `paas login` to log in again."
                    : "";
            return await FailAsync(context, e.Message + hint, ExitCodes.Failed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(context, "interrupted.", ExitCodes.Interrupted);
        }
    }

    private static async Task<int> FailAsync(CliContext context, string message, int exitCode)
    {
        await context.Out.FlushAsync();
        var line = string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        await context.Error.WriteLineAsync("paas: " + line);
        return exitCode;
    }
}
