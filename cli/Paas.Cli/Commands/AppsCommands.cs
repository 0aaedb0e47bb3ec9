using System.CommandLine;
using Paas.Cli.Git;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>create</c>, <c>apps</c>, <c>apps:info</c>, <c>apps:destroy</c>, <c>apps:transfer</c>.</summary>
internal static class AppsCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [CreateApp(context), List(context), Info(context), Destroy(context), Transfer(context)];

    private static Command CreateApp(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The app's name (default: a random one)", Arity = ArgumentArity.ZeroOrOne };
        var noRemote = new Option<bool>("--no-remote") { Description = "Do not add a git remote" };
        var remoteName = new Option<string>("--remote", "-r") { Description = "Name of the git remote to add", DefaultValueFactory = _ => PaasRemote.DefaultName, HelpName = "NAME" };
        var json = CommonOptions.Json();
        var command = new Command("create", "Create an app and add the `paas` git remote when inside a git repository") { name, noRemote, remoteName, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = context.Client();
            var request = new AppCreateRequest(parse.GetValue(name));
            var asJson = parse.GetValue(json);
            var app = asJson
                ? await client.CreateAppAsync(request, cancellationToken)
                : await Progress.RunAsync(context, $"Creating {request.Name ?? "app"}", () => client.CreateAppAsync(request, cancellationToken), a => request.Name is null ? $"done, {a.Name}" : "done");
            var remote = PaasRemote.For(client.BaseUrl, app.Name);
            var added = false;
            if (!parse.GetValue(noRemote) && await context.Git.IsRepositoryAsync(cancellationToken))
            {
                var remoteNameValue = parse.GetValue(remoteName) ?? PaasRemote.DefaultName;
                var isNew = await GitRemoteSetup.ApplyAsync(context.Git, remoteNameValue, remote, cancellationToken);
                added = true;
                if (!asJson)
                {
                    context.Out.WriteLine($"{app.Url} | {remote.GitUrl}");
                    context.Out.WriteLine($"Git remote {remoteNameValue} {(isNew ? "added" : "updated")}");
                }
            }

            if (asJson)
            {
                context.WriteJson(app);
            }
            else if (!added)
            {
                context.Out.WriteLine($"{app.Url} | {remote.GitUrl}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var json = CommonOptions.Json();
        var command = new Command("apps", "List the apps you own or that are shared with you") { json };
        command.Aliases.Add("apps:list");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = context.Client();
            var apps = await client.ListAllAppsAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(apps);
                return ExitCodes.Ok;
            }

            var me = context.UsernameFor(client.BaseUrl) ?? (await client.WhoAmIAsync(cancellationToken)).Username;
            var own = apps.Results.Where(a => a.Owner == me).Select(a => a.Name).Order(StringComparer.Ordinal).ToList();
            var shared = apps.Results.Where(a => a.Owner != me).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
            context.Out.Write(KeyValueList.Heading($"{me} Apps"));
            if (own.Count == 0)
            {
                context.Out.WriteLine("You have no apps; create one with `paas create`.");
            }

            foreach (var app in own)
            {
                context.Out.WriteLine(app);
            }

            if (shared.Count > 0)
            {
                context.Out.WriteLine();
                context.Out.Write(KeyValueList.Heading("Collaborated Apps"));
                context.Out.Write(TextTable.Format(shared.Select(a => (IReadOnlyList<string>)[a.Name, a.Owner]).ToList()));
            }

            if (apps.Count > apps.Results.Count)
            {
                context.Out.WriteLine($"(showing {apps.Results.Count} of {apps.Count}; use --json for scripts)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Info(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("apps:info", "Show an app's details") { appOption, json };
        command.Aliases.Add("info");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = context.Client();
            var app = await client.GetAppAsync(await context.AppAsync(parse.GetValue(appOption), cancellationToken), cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(app);
                return ExitCodes.Ok;
            }

            var now = context.Clock.GetUtcNow();
            context.Out.Write(KeyValueList.Heading(app.Name));
            var fields = new List<KeyValuePair<string, string>>
            {
                new("Owner", app.Owner),
                new("Web URL", app.Url),
                new("Git URL", PaasRemote.For(client.BaseUrl, app.Name).GitUrl),
                new("Release", app.Release == 0 ? "none" : "v" + app.Release),
                new("Processes", app.Structure.Count == 0 ? "none" : string.Join(", ", app.Structure.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))),
            };
            fields.AddRange(ProcessSettingsText.Fields(app.Limits, app.Healthchecks, app.Autoscale));
            fields.Add(new("Created", TimeText.Format(app.CreatedAt, now)));
            fields.Add(new("Updated", TimeText.Format(app.UpdatedAt, now)));
            context.Out.Write(KeyValueList.Format(fields));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Destroy(CliContext context)
    {
        var name = new Argument<string>("APP") { Description = "The app (or use -a)", Arity = ArgumentArity.ZeroOrOne };
        var appOption = CommonOptions.App();
        var confirm = new Option<string>("--confirm") { Description = "The app's name again, to confirm", HelpName = "APP" };
        var command = new Command("apps:destroy", "Destroy an app and everything it holds (needs --confirm APP)") { name, appOption, confirm };
        command.Aliases.Add("destroy");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(name) ?? parse.GetValue(appOption), cancellationToken);
            if (parse.GetValue(confirm) != app)
            {
                throw CliException.Usage($"this destroys {app} with all its releases and cannot be undone; to go on run `paas apps:destroy -a {app} --confirm {app}`.");
            }

            var client = context.Client();
            await Progress.RunAsync(context, $"Destroying {app} (including all its releases)", () => client.DeleteAppAsync(app, cancellationToken));
            var remoteUrl = await context.Git.GetRemoteUrlAsync(PaasRemote.DefaultName, cancellationToken);
            if (PaasRemote.TryParse(remoteUrl, out var remote) && remote.App == app)
            {
                await context.Git.RunCheckedAsync(["remote", "remove", PaasRemote.DefaultName], cancellationToken);
                context.Out.WriteLine($"Git remote {PaasRemote.DefaultName} removed");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Transfer(CliContext context)
    {
        var user = new Argument<string>("USER") { Description = "The new owner" };
        var appOption = CommonOptions.App();
        var command = new Command("apps:transfer", "Give an app to another user") { user, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var owner = parse.GetValue(user)!;
            var client = context.Client();
            await Progress.RunAsync(context, $"Transferring {app} to {owner}", () => client.TransferAppAsync(app, new AppTransferRequest(owner), cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
