using System.CommandLine;
using System.Net;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Cli.Parsing;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>healthchecks</c>, <c>healthchecks:set</c>, <c>healthchecks:unset</c> (Deis Workflow's verbs). Each change makes a new release.</summary>
internal static class HealthChecksCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [Show(context), Set(context), Unset(context)];

    /// <summary>
    /// <code>
    /// === hello Healthchecks
    /// web  GET /health  timeout 2s  interval 5s  threshold 3
    /// </code>
    /// </summary>
    public static string Format(HealthChecksInfo checks)
    {
        var text = KeyValueList.Heading($"{checks.App} Healthchecks");
        if (checks.Healthchecks.Count == 0)
        {
            return text + $"No health checks; a web process is up once it listens on PORT. Set one with `paas healthchecks:set web --path /health -a {checks.App}`.\n";
        }

        return text + TextTable.Format(checks.Healthchecks.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (IReadOnlyList<string>)
        [
            p.Key,
            "GET " + p.Value.Path,
            $"timeout {p.Value.TimeoutSeconds}s",
            $"interval {p.Value.IntervalSeconds}s",
            $"threshold {p.Value.FailureThreshold}",
        ]).ToList());
    }

    private static Command Show(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("healthchecks", "Show the HTTP health checks of an app's process types") { appOption, json };
        command.Aliases.Add("healthchecks:list");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var checks = await context.Client().GetHealthChecksAsync(app, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(checks);
            }
            else
            {
                context.Out.Write(Format(checks));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Set(CliContext context)
    {
        var type = new Argument<string>("TYPE") { Description = "The process type, like web", DefaultValueFactory = _ => "web", Arity = ArgumentArity.ZeroOrOne };
        var path = new Option<string>("--path") { Description = "The path to GET on the process's PORT, like /health (200-399 is healthy)", HelpName = "PATH", Required = true };
        var timeout = new Option<int?>("--timeout") { Description = "Seconds one check may take (1-60; default 2)", HelpName = "SECONDS" };
        var interval = new Option<int?>("--interval") { Description = "Seconds between checks (1-300; default 5)", HelpName = "SECONDS" };
        var threshold = new Option<int?>("--threshold") { Description = "Failed checks in a row before a process counts as not up (1-10; default 3)", HelpName = "N" };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("healthchecks:set", "Set the HTTP health check of a process type (one new release)") { type, path, timeout, interval, threshold, appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var which = parse.GetValue(type) ?? "web";
            var request = new HealthCheckSetRequest(which, parse.GetValue(path)!, parse.GetValue(timeout), parse.GetValue(interval), parse.GetValue(threshold));
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            await ChangeAsync(context, app, $"Setting a health check on {which} of {app}", () => client.SetHealthCheckAsync(app, request, cancellationToken), parse.GetValue(json), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unset(CliContext context)
    {
        var type = new Argument<string>("TYPE") { Description = "The process type, like web", DefaultValueFactory = _ => "web", Arity = ArgumentArity.ZeroOrOne };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("healthchecks:unset", "Remove the health check of a process type (one new release)") { type, appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var which = parse.GetValue(type) ?? "web";
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            await ChangeAsync(context, app, $"Removing the health check of {which} from {app}", () => client.RemoveHealthCheckAsync(app, which, cancellationToken), parse.GetValue(json), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Makes the change and prints the checks after it; the same check again (409) is not an error for the CLI.</summary>
    private static async Task ChangeAsync(CliContext context, string app, string label, Func<Task<HealthChecksInfo>> change, bool json, CancellationToken cancellationToken)
    {
        var client = context.Client();
        async Task<HealthChecksInfo?> Step()
        {
            try
            {
                return await change();
            }
            catch (PaasApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                return null;
            }
        }

        if (json)
        {
            context.WriteJson(await Step() ?? await client.GetHealthChecksAsync(app, cancellationToken));
            return;
        }

        var result = await Progress.RunAsync(context, label, Step, c => c is null ? "no change" : "done, " + ReleaseVersion.Format(c.Release));
        context.Out.WriteLine();
        context.Out.Write(Format(result ?? await client.GetHealthChecksAsync(app, cancellationToken)));
    }
}
