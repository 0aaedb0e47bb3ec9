using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;

namespace Paas.Cli.Commands;

/// <summary>
/// <c>registry</c>, <c>registry:login</c> and <c>registry:logout</c>: an app's logins to registries other than the
/// platform's own, which <c>paas pull</c>ed images from there are pulled with (Deis Workflow's <c>registry:set</c>).
/// The password is asked (hidden) or read from standard input, never taken from the command line.
/// </summary>
internal static class RegistryCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Login(context), Logout(context)];

    private static Command List(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("registry", "List the registries an app has a login for (never the passwords)") { appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var logins = await context.Client().ListRegistryLoginsAsync(app, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(logins);
                return ExitCodes.Ok;
            }

            context.Out.Write(KeyValueList.Heading($"{app} Registry Logins"));
            if (logins.Count == 0)
            {
                context.Out.WriteLine($"{app} has no registry logins. Add one with: paas registry:login HOST --username USER");
                return ExitCodes.Ok;
            }

            var now = context.Clock.GetUtcNow();
            context.Out.Write(TextTable.Format(logins.Select(l => (IReadOnlyList<string>)[l.Registry, l.Username, l.UpdatedBy, TimeText.Format(l.UpdatedAt, now)]).ToList()));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Login(CliContext context)
    {
        var host = new Argument<string>("HOST") { Description = "The registry, host[:port] as image references name it (e.g. registry.example.com)" };
        var username = new Option<string>("--username", "-u") { Description = "User name (asked when not given)", HelpName = "USER" };
        var appOption = CommonOptions.App();
        var command = new Command("registry:login", "Store the app's login to a registry its images are pulled from (password asked, or read from stdin)") { host, username, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var registry = parse.GetValue(host)!;
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var user = parse.GetValue(username) ?? Prompt.Ask(context, "Username", "--username", secret: false);
            var password = Prompt.Ask(context, "Password", "standard input", secret: true);
            await Progress.RunAsync(
                context,
                $"Storing {app}'s login to {registry}",
                () => context.Client().SetRegistryLoginAsync(app, registry, new Paas.Client.RegistryLoginRequest(user, password), cancellationToken),
                l => $"done, {l.Username}@{l.Registry}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Logout(CliContext context)
    {
        var host = new Argument<string>("HOST") { Description = "The registry, host[:port]" };
        var appOption = CommonOptions.App();
        var command = new Command("registry:logout", "Forget the app's login to a registry") { host, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var registry = parse.GetValue(host)!;
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            await Progress.RunAsync(context, $"Removing {app}'s login to {registry}", () => context.Client().RemoveRegistryLoginAsync(app, registry, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
