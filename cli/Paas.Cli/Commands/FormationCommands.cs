using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Cli.Parsing;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>ps</c>, <c>scale</c>, <c>ps:restart</c>: the app's formation and processes.</summary>
internal static class FormationCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Scale(context), Restart(context)];

    private static Command List(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("ps", "List an app's processes") { appOption, json };
        command.Aliases.Add("ps:list");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var processes = await context.Client().ListProcessesAsync(app, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(processes);
                return ExitCodes.Ok;
            }

            context.Out.Write(Format(app, processes.Results, context.Clock.GetUtcNow()));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Heroku's <c>ps</c> layout: a heading per process type, then <c>web.1: up 2026/11/21 08:40:12 (~ 1m ago)</c>; a process
    /// that was restarted says how often, one that is not up says why.
    /// </summary>
    public static string Format(string app, IEnumerable<ProcessInfo> processes, DateTimeOffset now)
    {
        var list = processes.ToList();
        if (list.Count == 0)
        {
            return $"{app} has no processes; deploy with `git push paas master` or `paas pull IMAGE`, then `paas scale web=1`.\n";
        }

        var text = new System.Text.StringBuilder();
        foreach (var group in list.GroupBy(p => p.Type).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            var members = group.OrderBy(p => p.Name.Length).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
            text.Append(KeyValueList.Heading($"{group.Key} ({members.Count}): {members[0].Command}"));
            text.Append(TextTable.Format(members.Select(p => (IReadOnlyList<string>)
            [
                p.Name + ":",
                p.State,
                ReleaseVersion.Format(p.Release),
                p.StartedAt is { } started ? TimeText.Format(started, now) : "",
                string.Join(' ', new[] { p.Restarts > 0 ? $"{p.Restarts} restart{(p.Restarts == 1 ? "" : "s")}" : null, p.Reason }.OfType<string>()),
            ]).ToList()));
        }

        return text.ToString();
    }

    private static Command Scale(CliContext context)
    {
        var counts = new Argument<string[]>("TYPE=COUNT") { Description = "Process counts, like web=4 worker=1 (none: show the formation)", Arity = ArgumentArity.ZeroOrMore };
        var appOption = CommonOptions.App();
        var command = new Command("scale", "Set how many processes of each type run") { counts, appOption };
        command.Aliases.Add("ps:scale");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var arguments = parse.GetValue(counts) ?? [];
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            if (arguments.Length == 0)
            {
                var info = await client.GetAppAsync(app, cancellationToken);
                context.Out.WriteLine(info.Structure.Count == 0
                    ? $"{app} has no process types yet."
                    : string.Join(" ", info.Structure.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
                return ExitCodes.Ok;
            }

            var wanted = ScaleArgument.Parse(arguments);
            await Progress.RunAsync(context, $"Scaling processes of {app}", async () =>
            {
                await client.ScaleAsync(app, wanted, cancellationToken);
                return wanted;
            }, w => "done, now running " + string.Join(", ", w.Select(p => $"{p.Key} at {p.Value}")));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Restart(CliContext context)
    {
        var type = new Argument<string>("TYPE") { Description = "A process type (web) or one process (web.2); default: all", Arity = ArgumentArity.ZeroOrOne };
        var appOption = CommonOptions.App();
        var command = new Command("ps:restart", "Restart an app's processes") { type, appOption };
        command.Aliases.Add("restart");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var which = parse.GetValue(type);
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            var label = which is null ? $"Restarting all processes of {app}" : $"Restarting {which} processes of {app}";
            await Progress.RunAsync(context, label, () => client.RestartAsync(app, new RestartRequest(which), cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
