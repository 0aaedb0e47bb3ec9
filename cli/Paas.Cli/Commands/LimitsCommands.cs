using System.CommandLine;
using System.Net;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Cli.Parsing;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>limits</c>, <c>limits:set</c>, <c>limits:unset</c> (Deis Workflow's verbs). Each change makes a new release.</summary>
internal static class LimitsCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [Show(context), Set(context), Unset(context)];

    /// <summary>
    /// Deis' layout:
    /// <code>
    /// === hello Limits
    ///
    /// --- Memory
    /// web     512M
    ///
    /// --- CPU
    /// Unlimited
    /// </code>
    /// then, when the scheduler does not enforce them, a line saying so.
    /// </summary>
    public static string Format(LimitsInfo limits)
    {
        var text = new System.Text.StringBuilder();
        text.Append(KeyValueList.Heading($"{limits.App} Limits"));
        foreach (var (title, pick) in new (string, Func<ProcessLimitsInfo, string?>)[] { ("Memory", l => l.Memory), ("CPU", l => l.Cpu) })
        {
            var rows = limits.Limits.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Where(p => pick(p.Value) is not null)
                .Select(p => (IReadOnlyList<string>)[p.Key, pick(p.Value)!])
                .ToList();
            text.Append("\n--- ").Append(title).Append('\n');
            text.Append(rows.Count == 0 ? "Unlimited\n" : TextTable.Format(rows));
        }

        if (limits.Note is not null)
        {
            text.Append("\nNote: ").Append(limits.Note).Append('\n');
        }

        return text.ToString();
    }

    private static Command Show(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("limits", "Show the memory and CPU limits of an app's process types") { appOption, json };
        command.Aliases.Add("limits:list");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var limits = await context.Client().GetLimitsAsync(app, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(limits);
            }
            else
            {
                context.Out.Write(Format(limits));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Set(CliContext context)
    {
        var pairs = new Argument<string[]>("TYPE=MEMORY") { Description = "Memory limits, like web=512M worker=1G (B, K, M, G: 1024 multiples; 4M to 64G); run=1G sizes one-off processes (paas run)", Arity = ArgumentArity.ZeroOrMore };
        var cpu = new Option<string[]>("--cpu", "-c") { Description = "A CPU limit, like web=500m (millicores) or web=1 (cores); 10m to 64; repeatable", HelpName = "TYPE=CPU" };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("limits:set", "Set memory and CPU limits of process types (one new release)") { pairs, cpu, appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var memory = TypeValueArgument.Parse(parse.GetValue(pairs) ?? [], "web=512M");
            var cpus = TypeValueArgument.Parse(parse.GetValue(cpu) ?? [], "--cpu web=500m");
            if (memory.Count == 0 && cpus.Count == 0)
            {
                throw CliException.Usage("say what to limit, like `paas limits:set web=512M` or `paas limits:set --cpu web=500m`.");
            }

            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var request = new LimitsUpdateRequest(memory.Count == 0 ? null : memory, cpus.Count == 0 ? null : cpus);
            await UpdateAsync(context, app, $"Applying limits to {app}", request, parse.GetValue(json), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unset(CliContext context)
    {
        var types = new Argument<string[]>("TYPE") { Description = "Process types whose limits to remove, like web", Arity = ArgumentArity.OneOrMore };
        var memoryOnly = new Option<bool>("--memory", "-m") { Description = "Remove only the memory limit" };
        var cpuOnly = new Option<bool>("--cpu", "-c") { Description = "Remove only the CPU limit" };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("limits:unset", "Remove limits of process types (both unless --memory or --cpu; one new release)") { types, memoryOnly, cpuOnly, appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var names = parse.GetValue(types)!.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var (onlyMemory, onlyCpu) = (parse.GetValue(memoryOnly), parse.GetValue(cpuOnly));
            var both = onlyMemory == onlyCpu;
            var removal = names.ToDictionary(n => n, _ => (string?)null, StringComparer.Ordinal);
            var request = new LimitsUpdateRequest(both || onlyMemory ? removal : null, both || onlyCpu ? removal : null);
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            await UpdateAsync(context, app, $"Removing limits of {string.Join(", ", names)} from {app}", request, parse.GetValue(json), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Posts the change and prints the limits after it; no change (409) is not an error for the CLI: the wanted state holds.</summary>
    private static async Task UpdateAsync(CliContext context, string app, string label, LimitsUpdateRequest request, bool json, CancellationToken cancellationToken)
    {
        var client = context.Client();
        async Task<LimitsInfo?> Step()
        {
            try
            {
                return await client.UpdateLimitsAsync(app, request, cancellationToken);
            }
            catch (PaasApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                return null;
            }
        }

        if (json)
        {
            context.WriteJson(await Step() ?? await client.GetLimitsAsync(app, cancellationToken));
            return;
        }

        var result = await Progress.RunAsync(context, label, Step, l => l is null ? "no change" : "done, " + ReleaseVersion.Format(l.Release));
        context.Out.WriteLine();
        context.Out.Write(Format(result ?? await client.GetLimitsAsync(app, cancellationToken)));
    }
}
