using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary>
/// <c>autoscale</c> (show, or set with a type and <c>--min/--max/--cpu</c>) and <c>autoscale:off</c>. Not part of a release:
/// a change applies at once. Needs a scheduler that can autoscale (Kubernetes).
/// </summary>
internal static class AutoscaleCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [Autoscale(context), Off(context)];

    /// <summary>
    /// <code>
    /// === hello Autoscale
    /// web  min 2  max 10  cpu 70%
    /// </code>
    /// and, when the scheduler cannot autoscale, the sentence that says so.
    /// </summary>
    public static string Format(AutoscaleInfo info)
    {
        var text = KeyValueList.Heading($"{info.App} Autoscale");
        text += info.Policies.Count == 0
            ? $"No process type is autoscaled; `paas autoscale web --min 2 --max 10 --cpu 70 -a {info.App}` sets a policy.\n"
            : TextTable.Format(info.Policies.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (IReadOnlyList<string>)
            [
                p.Key,
                $"min {p.Value.Min}",
                $"max {p.Value.Max}",
                $"cpu {p.Value.CpuPercent}%",
            ]).ToList());
        return info.Note is null ? text : text + "\nNote: " + info.Note + "\n";
    }

    private static Command Autoscale(CliContext context)
    {
        var type = new Argument<string>("TYPE") { Description = "The process type to autoscale, like web (none: show the policies)", Arity = ArgumentArity.ZeroOrOne };
        var min = new Option<int?>("--min") { Description = "The fewest processes (1-100; default 1)", HelpName = "N" };
        var max = new Option<int?>("--max") { Description = "The most processes (min-100)", HelpName = "N" };
        var cpu = new Option<int?>("--cpu") { Description = "The target average CPU use, percent of the requested CPU (1-100; default 70)", HelpName = "PERCENT" };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("autoscale", "Show autoscaling policies, or autoscale a process type: paas autoscale web --min 2 --max 10 --cpu 70") { type, min, max, cpu, appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var which = parse.GetValue(type);
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            AutoscaleInfo info;
            if (which is null)
            {
                if (parse.GetValue(min) is not null || parse.GetValue(max) is not null || parse.GetValue(cpu) is not null)
                {
                    throw CliException.Usage("say which process type to autoscale, like `paas autoscale web --min 2 --max 10 --cpu 70`.");
                }

                info = await client.GetAutoscaleAsync(app, cancellationToken);
            }
            else
            {
                var most = parse.GetValue(max) ?? throw CliException.Usage($"say the most processes of {which}, like `paas autoscale {which} --min 2 --max 10 --cpu 70`.");
                var policy = new AutoscalePolicyInfo(parse.GetValue(min) ?? 1, most, parse.GetValue(cpu) ?? 70);
                info = parse.GetValue(json)
                    ? await client.SetAutoscaleAsync(app, which, policy, cancellationToken)
                    : await Progress.RunAsync(context, $"Autoscaling {which} of {app} between {policy.Min} and {policy.Max} processes at {policy.CpuPercent}% CPU", () => client.SetAutoscaleAsync(app, which, policy, cancellationToken), _ => "done");
            }

            if (parse.GetValue(json))
            {
                context.WriteJson(info);
            }
            else
            {
                if (which is not null)
                {
                    context.Out.WriteLine();
                }

                context.Out.Write(Format(info));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Off(CliContext context)
    {
        var type = new Argument<string>("TYPE") { Description = "The process type, like web" };
        var appOption = CommonOptions.App();
        var command = new Command("autoscale:off", "Stop autoscaling a process type (its `paas scale` count applies again)") { type, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var which = parse.GetValue(type)!;
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            await Progress.RunAsync(context, $"Turning off autoscaling of {which} on {app}", () => client.RemoveAutoscaleAsync(app, which, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
