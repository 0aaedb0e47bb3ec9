using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;

namespace Paas.Cli.Commands;

/// <summary>
/// Platform admins' domain verbs: <c>domains:reservations</c>, <c>domains:reserve ZONE --team TEAM</c>,
/// <c>domains:unreserve ZONE</c> and <c>domains:conflicts</c>.
/// </summary>
internal static class DomainReservationsCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Reserve(context), Unreserve(context), Conflicts(context)];

    private static Command List(CliContext context)
    {
        var json = CommonOptions.Json();
        var command = new Command("domains:reservations", "List the zones reserved for teams (platform admins)") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var reservations = await context.Client().ListDomainReservationsAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(reservations);
                return ExitCodes.Ok;
            }

            context.Out.Write(KeyValueList.Heading("Domain Reservations"));
            if (reservations.Count == 0)
            {
                context.Out.WriteLine("No zone is reserved. Reserve one with: paas domains:reserve ZONE --team TEAM");
                return ExitCodes.Ok;
            }

            var now = context.Clock.GetUtcNow();
            context.Out.Write(TextTable.Format(reservations.Select(r => (IReadOnlyList<string>)[r.Zone, r.Team, r.ReservedBy, TimeText.Format(r.CreatedAt, now)]).ToList()));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Reserve(CliContext context)
    {
        var zone = new Argument<string>("ZONE") { Description = "The zone: the name and every name under it, e.g. example.com" };
        var team = new Option<string>("--team", "-t") { Description = "The team whose apps alone may route domains in the zone", Required = true, HelpName = "TEAM" };
        var command = new Command("domains:reserve", "Reserve a zone for a team: only apps shared with it may route domains in it (platform admins)") { zone, team };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(zone)!;
            var teamName = parse.GetValue(team)!;
            var reserved = await Progress.RunAsync(context, $"Reserving {name} for team {teamName}", () => context.Client().ReserveDomainAsync(name, teamName, cancellationToken), _ => "done");
            var conflicts = (await context.Client().ListDomainConflictsAsync(cancellationToken)).Where(c => c.Zone == reserved.Zone).ToList();
            if (conflicts.Count > 0)
            {
                context.Error.WriteLine($" !    {conflicts.Count} existing domain(s) in {name} belong to apps not shared with {teamName}; they keep routing until removed:");
                foreach (var conflict in conflicts)
                {
                    context.Error.WriteLine($" !      {conflict.Domain} ({conflict.App})");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unreserve(CliContext context)
    {
        var zone = new Argument<string>("ZONE") { Description = "The reserved zone" };
        var command = new Command("domains:unreserve", "Remove a zone's reservation (platform admins)") { zone };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(zone)!;
            await Progress.RunAsync(context, $"Removing the reservation of {name}", () => context.Client().UnreserveDomainAsync(name, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Conflicts(CliContext context)
    {
        var json = CommonOptions.Json();
        var command = new Command("domains:conflicts", "List stored domains that break the domain rules, kept from before them (platform admins)") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var conflicts = await context.Client().ListDomainConflictsAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(conflicts);
                return ExitCodes.Ok;
            }

            context.Out.Write(KeyValueList.Heading("Domain Conflicts"));
            if (conflicts.Count == 0)
            {
                context.Out.WriteLine("No stored domain breaks the domain rules.");
                return ExitCodes.Ok;
            }

            context.Out.Write(TextTable.Format(conflicts.Select(c => (IReadOnlyList<string>)[c.Domain, c.App, c.Reason]).ToList()));
            return ExitCodes.Ok;
        });
        return command;
    }
}
