using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;

namespace Paas.Cli.Commands;

/// <summary>
/// <c>teams</c>, <c>teams:info</c>, <c>teams:create</c>, <c>teams:destroy</c>, <c>teams:add-member</c>,
/// <c>teams:remove-member</c>, <c>users</c>, <c>users:add</c>: teams (directory groups and platform teams) and the
/// platform's users.
/// </summary>
internal static class TeamsCommands
{
    public static IEnumerable<Command> Create(CliContext context) =>
        [List(context), Info(context), Add(context), Destroy(context), AddMember(context), RemoveMember(context), Users(context), AddUser(context)];

    private static Command List(CliContext context)
    {
        var json = CommonOptions.Json();
        var command = new Command("teams", "List your teams (every team, for platform admins)") { json };
        command.Aliases.Add("teams:list");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var teams = await context.Client().ListTeamsAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(teams);
                return ExitCodes.Ok;
            }

            context.Out.Write(KeyValueList.Heading("Teams"));
            if (teams.Results.Count == 0)
            {
                context.Out.WriteLine("You are in no team.");
                return ExitCodes.Ok;
            }

            context.Out.Write(TextTable.Format([.. teams.Results.Select(t => (IReadOnlyList<string>)[t.Name, t.Source, t.Members == 1 ? "1 member" : $"{t.Members} members"])]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Info(CliContext context)
    {
        var team = TeamArgument();
        var json = CommonOptions.Json();
        var command = new Command("teams:info", "Show a team's members and the apps shared with it") { team, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var detail = await context.Client().GetTeamAsync(parse.GetValue(team)!, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(detail);
                return ExitCodes.Ok;
            }

            context.Out.Write(KeyValueList.Heading(detail.Name));
            context.Out.Write(KeyValueList.Format(
            [
                new("Source", detail.DirectoryDn is null ? detail.Source : $"{detail.Source} ({detail.DirectoryDn})"),
                new("Members", detail.Members.Count == 0 ? "(none yet)" : string.Join(", ", detail.Members)),
            ]));
            context.Out.WriteLine();
            context.Out.Write(KeyValueList.Heading($"{detail.Name} Apps"));
            context.Out.Write(detail.Apps.Count == 0 ? "No app is shared with this team.\n" : TextTable.Format([.. detail.Apps.Select(a => (IReadOnlyList<string>)[a.App, a.Role])]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(CliContext context)
    {
        var team = TeamArgument();
        var command = new Command("teams:create", "Define a platform team (admins); directory groups become teams by themselves") { team };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(team)!;
            var client = context.Client();
            await Progress.RunAsync(context, $"Creating team {name}", () => client.CreateTeamAsync(name, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Destroy(CliContext context)
    {
        var team = TeamArgument();
        var confirm = new Option<string>("--confirm") { Description = "The team's name, to confirm", HelpName = "TEAM" };
        var command = new Command("teams:destroy", "Delete a platform team and the app access it gave (admins; needs --confirm TEAM)") { team, confirm };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(team)!;
            if (parse.GetValue(confirm) != name)
            {
                throw CliException.Usage($"this deletes the team {name} and the app access it gives; to go on run `paas teams:destroy {name} --confirm {name}`.");
            }

            var client = context.Client();
            await Progress.RunAsync(context, $"Destroying team {name}", () => client.DeleteTeamAsync(name, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command AddMember(CliContext context)
    {
        var team = TeamArgument();
        var user = new Argument<string>("USER") { Description = "The user to add" };
        var command = new Command("teams:add-member", "Add a user to a platform team (admins)") { team, user };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (name, member) = (parse.GetValue(team)!, parse.GetValue(user)!);
            var client = context.Client();
            await Progress.RunAsync(context, $"Adding {member} to team {name}", () => client.AddTeamMemberAsync(name, member, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RemoveMember(CliContext context)
    {
        var team = TeamArgument();
        var user = new Argument<string>("USER") { Description = "The user to remove" };
        var command = new Command("teams:remove-member", "Remove a user from a platform team (admins)") { team, user };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (name, member) = (parse.GetValue(team)!, parse.GetValue(user)!);
            var client = context.Client();
            await Progress.RunAsync(context, $"Removing {member} from team {name}", () => client.RemoveTeamMemberAsync(name, member, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Users(CliContext context)
    {
        var json = CommonOptions.Json();
        var command = new Command("users", "List the platform's users, with where they sign in and their teams (admins)") { json };
        command.Aliases.Add("users:list");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var users = await context.Client().ListUsersAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(users);
                return ExitCodes.Ok;
            }

            context.Out.Write(KeyValueList.Heading("Users"));
            context.Out.Write(TextTable.Format([.. users.Results.Select(u => (IReadOnlyList<string>)
            [
                u.Username,
                u.Source,
                u.IsAdmin ? "admin" : "",
                u.IsActive ? "" : "disabled",
                u.Email ?? "",
                string.Join(", ", u.Teams ?? []),
            ])]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command AddUser(CliContext context)
    {
        var user = new Argument<string>("USER") { Description = "The directory user's login name (uid / sAMAccountName)" };
        var command = new Command("users:add", "Add a directory user ahead of their first sign-in, so apps can be shared with them (admins)") { user };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(user)!;
            var client = context.Client();
            await Progress.RunAsync(context, $"Adding directory user {name}", () => client.CreateDirectoryUserAsync(name, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Argument<string> TeamArgument() => new("TEAM") { Description = "The team's name (quote names with spaces)" };
}
