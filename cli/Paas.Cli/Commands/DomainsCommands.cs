using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;

namespace Paas.Cli.Commands;

/// <summary><c>domains</c>, <c>domains:add</c>, <c>domains:remove</c>: custom domains routed to an app.</summary>
internal static class DomainsCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Add(context), Remove(context)];

    private static Command List(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("domains", "List an app's custom domains") { appOption, json };
        command.Aliases.Add("domains:list");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var domains = await context.Client().ListDomainsAsync(app, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(domains);
                return ExitCodes.Ok;
            }

            context.Out.Write(KeyValueList.Heading($"{app} Custom Domains"));
            context.Out.Write(TextTable.Format(domains.Results.Select(d => (IReadOnlyList<string>)[d.Domain, d.Certificate ?? "(platform certificate)"]).ToList()));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(CliContext context)
    {
        var domain = new Argument<string>("DOMAIN") { Description = "The domain, e.g. www.example.com or *.example.com" };
        var appOption = CommonOptions.App();
        var command = new Command("domains:add", "Route a domain to an app") { domain, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var name = parse.GetValue(domain)!;
            var client = context.Client();
            await Progress.RunAsync(context, $"Adding {name} to {app}", () => client.AddDomainAsync(app, name, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var domain = new Argument<string>("DOMAIN") { Description = "The domain to stop routing" };
        var appOption = CommonOptions.App();
        var command = new Command("domains:remove", "Stop routing a domain to an app") { domain, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var name = parse.GetValue(domain)!;
            var client = context.Client();
            await Progress.RunAsync(context, $"Removing {name} from {app}", () => client.RemoveDomainAsync(app, name, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
