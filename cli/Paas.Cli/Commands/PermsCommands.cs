using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>perms</c>, <c>perms:create</c>, <c>perms:delete</c>: who else may use an app.</summary>
internal static class PermsCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Add(context), Remove(context)];

    private static Command List(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("perms", "List the users an app is shared with") { appOption, json };
        command.Aliases.Add("perms:list");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var perms = await context.Client().ListPermissionsAsync(app, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(perms);
                return ExitCodes.Ok;
            }

            context.Out.Write(KeyValueList.Heading($"{app} Access"));
            context.Out.Write(TextTable.Format(perms.Results.OrderBy(p => p.Username, StringComparer.Ordinal).Select(p => (IReadOnlyList<string>)[p.Username, p.Role]).ToList()));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(CliContext context)
    {
        var user = new Argument<string>("USER") { Description = "The user to share the app with" };
        var role = new Option<string>("--role") { Description = "admin, deploy (default) or view", HelpName = "ROLE" };
        role.AcceptOnlyFromAmong("admin", "deploy", "view");
        var appOption = CommonOptions.App();
        var command = new Command("perms:create", "Share an app with a user") { user, role, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var name = parse.GetValue(user)!;
            var roleName = parse.GetValue(role);
            var client = context.Client();
            await Progress.RunAsync(context, $"Adding {name} to {app} as {roleName ?? "deploy"}", () => client.CreatePermissionAsync(app, new PermissionCreateRequest(name, roleName), cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var user = new Argument<string>("USER") { Description = "The user to stop sharing the app with" };
        var appOption = CommonOptions.App();
        var command = new Command("perms:delete", "Stop sharing an app with a user") { user, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var name = parse.GetValue(user)!;
            var client = context.Client();
            await Progress.RunAsync(context, $"Removing {name} from {app}", () => client.DeletePermissionAsync(app, name, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
