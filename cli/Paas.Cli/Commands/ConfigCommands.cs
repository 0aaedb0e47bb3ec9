using System.CommandLine;
using System.Net;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Cli.Parsing;
using Paas.Client;
using Paas.Domain.Shell;

namespace Paas.Cli.Commands;

/// <summary><c>config</c>, <c>config:get</c>, <c>config:set</c>, <c>config:unset</c>. Each change makes a new release.</summary>
internal static class ConfigCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [Show(context), Get(context), Set(context), Unset(context)];

    private static Command Show(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var shell = new Option<bool>("--shell", "-s") { Description = "Print KEY=value lines for sh (values quoted where needed), as a .env file" };
        var command = new Command("config", "Show an app's config vars") { appOption, json, shell };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var config = await context.Client().GetConfigAsync(app, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(config);
            }
            else if (parse.GetValue(shell))
            {
                foreach (var (key, value) in Sorted(config.Values))
                {
                    context.Out.WriteLine($"{key}={ShellWords.Quote(value)}");
                }
            }
            else
            {
                context.Out.Write(KeyValueList.Heading($"{app} Config Vars"));
                context.Out.Write(KeyValueList.Format(Sorted(config.Values)));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CliContext context)
    {
        var key = new Argument<string>("KEY") { Description = "The config var's name" };
        var appOption = CommonOptions.App();
        var command = new Command("config:get", "Print one config var's value") { key, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = ConfigAssignment.ValidateKey(parse.GetValue(key)!);
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var config = await context.Client().GetConfigAsync(app, cancellationToken);
            if (!config.Values.TryGetValue(name, out var value))
            {
                throw new CliException($"{name} is not set on {app}; `paas config -a {app}` lists what is.");
            }

            context.Out.WriteLine(value);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Set(CliContext context)
    {
        var pairs = new Argument<string[]>("KEY=value") { Description = "Config vars to set", Arity = ArgumentArity.OneOrMore };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("config:set", "Set config vars (one new release)") { pairs, appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var assignments = parse.GetValue(pairs)!.Select(ConfigAssignment.Parse).ToList();
            var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            foreach (var assignment in assignments)
            {
                values[assignment.Key] = assignment.Value;
            }

            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var config = await UpdateAsync(context, app, $"Setting {Names(values.Keys)} and restarting {app}", values, parse.GetValue(json), cancellationToken);
            if (config is not null && !parse.GetValue(json))
            {
                context.Out.Write(KeyValueList.Format(values.Select(p => new KeyValuePair<string, string>(p.Key, p.Value ?? ""))));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unset(CliContext context)
    {
        var keys = new Argument<string[]>("KEY") { Description = "Config vars to unset", Arity = ArgumentArity.OneOrMore };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("config:unset", "Unset config vars (one new release)") { keys, appOption, json };
        command.Aliases.Add("config:remove");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            foreach (var key in parse.GetValue(keys)!)
            {
                values[ConfigAssignment.ValidateKey(key)] = null;
            }

            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            await UpdateAsync(context, app, $"Unsetting {Names(values.Keys)} and restarting {app}", values, parse.GetValue(json), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Posts the change; an unchanged config (409) is not an error for the CLI: the wanted state holds.</summary>
    private static async Task<ConfigInfo?> UpdateAsync(
        CliContext context, string app, string label, IReadOnlyDictionary<string, string?> values, bool json, CancellationToken cancellationToken)
    {
        var client = context.Client();
        async Task<ConfigInfo?> Step()
        {
            try
            {
                return await client.UpdateConfigAsync(app, new ConfigUpdateRequest(values), cancellationToken);
            }
            catch (PaasApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                return null;
            }
        }

        if (json)
        {
            var result = await Step();
            context.WriteJson(result ?? await client.GetConfigAsync(app, cancellationToken));
            return result;
        }

        return await Progress.RunAsync(context, label, Step, c => c is null ? "no change" : "done, " + ReleaseVersion.Format(c.Release));
    }

    private static IEnumerable<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string> values) =>
        values.OrderBy(p => p.Key, StringComparer.Ordinal);

    private static string Names(IEnumerable<string> names) => string.Join(", ", names);
}
