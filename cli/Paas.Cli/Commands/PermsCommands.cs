using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>perms</c>, <c>perms:create</c>, <c>perms:delete</c>: which users and teams may use an app, and in which role.</summary>
internal static class PermsCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Add(context), Remove(context)];

    private static Command List(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("perms", "List the users and teams an app is shared with, and their roles") { appOption, json };
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
            var users = perms.Results.Where(p => p.Team is null).OrderBy(p => p.Username, StringComparer.Ordinal).Select(p => (IReadOnlyList<string>)[p.Username ?? "", p.Role]);
            var teams = perms.Results.Where(p => p.Team is not null).OrderBy(p => p.Team, StringComparer.Ordinal).Select(p => (IReadOnlyList<string>)["team " + p.Team, p.Role]);
            context.Out.Write(TextTable.Format([.. users, .. teams]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(CliContext context)
    {
        var user = new Argument<string?>("USER") { Description = "The user to share the app with (or use --team)", Arity = ArgumentArity.ZeroOrOne };
        var team = TeamOption("The team to share the app with: a platform team or a directory group's name");
        var role = new Option<string>("--role") { Description = "admin, deploy (default) or view", HelpName = "ROLE" };
        role.AcceptOnlyFromAmong("admin", "deploy", "view");
        var appOption = CommonOptions.App();
        var command = new Command("perms:create", "Share an app with a user or a team: paas perms:create USER --role view, paas perms:create --team TEAM --role deploy") { user, team, role, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var (name, teamName) = Target(parse.GetValue(user), parse.GetValue(team));
            var roleName = parse.GetValue(role);
            var client = context.Client();
            var who = teamName is null ? name : $"team {teamName}";
            await Progress.RunAsync(context, $"Adding {who} to {app} as {roleName ?? "deploy"}", () => client.CreatePermissionAsync(app, new PermissionCreateRequest(name, roleName, teamName), cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var user = new Argument<string?>("USER") { Description = "The user to stop sharing the app with (or use --team)", Arity = ArgumentArity.ZeroOrOne };
        var team = TeamOption("The team to stop sharing the app with");
        var appOption = CommonOptions.App();
        var command = new Command("perms:delete", "Stop sharing an app with a user or a team") { user, team, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var (name, teamName) = Target(parse.GetValue(user), parse.GetValue(team));
            var client = context.Client();
            if (teamName is not null)
            {
                await Progress.RunAsync(context, $"Removing team {teamName} from {app}", () => client.DeleteTeamPermissionAsync(app, teamName, cancellationToken));
            }
            else
            {
                await Progress.RunAsync(context, $"Removing {name} from {app}", () => client.DeletePermissionAsync(app, name!, cancellationToken));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Option<string?> TeamOption(string description) => new("--team", "-t") { Description = description, HelpName = "TEAM" };

    /// <summary>Exactly one of USER and --team.</summary>
    private static (string? User, string? Team) Target(string? user, string? team) =>
        string.IsNullOrWhiteSpace(user) == string.IsNullOrWhiteSpace(team)
            ? throw CliException.Usage("name either a user or a team (--team TEAM), not both and not neither")
            : (string.IsNullOrWhiteSpace(user) ? null : user, string.IsNullOrWhiteSpace(team) ? null : team);
}
