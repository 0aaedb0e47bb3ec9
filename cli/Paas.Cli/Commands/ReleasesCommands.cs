using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Cli.Parsing;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>releases</c>, <c>releases:info</c>, <c>rollback</c>: the app's release ledger.</summary>
internal static class ReleasesCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Info(context), Rollback(context)];

    private static Command List(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var num = new Option<int>("--num", "-n") { Description = "How many releases to show, newest first", DefaultValueFactory = _ => 15, HelpName = "N" };
        var command = new Command("releases", "List an app's releases, newest first") { appOption, json, num };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var releases = await context.Client().ListReleasesAsync(app, Math.Max(1, parse.GetValue(num)), cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(releases);
                return ExitCodes.Ok;
            }

            var current = releases.Results.FirstOrDefault(r => r.Current);
            context.Out.Write(KeyValueList.Heading($"{app} Releases" + (current is null ? "" : " - Current: " + ReleaseVersion.Format(current.Version))));
            context.Out.Write(ReleaseTable.Format(releases.Results, context.Clock.GetUtcNow()));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Info(CliContext context)
    {
        var version = new Argument<string>("VERSION") { Description = "The release, like v3" };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("releases:info", "Show one release and its config vars") { version, appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var number = ReleaseVersion.Parse(parse.GetValue(version)!);
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var release = await context.Client().GetReleaseAsync(app, number, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(release);
                return ExitCodes.Ok;
            }

            var fields = new List<KeyValuePair<string, string>>
            {
                new("Change", release.Summary),
                new("By", release.Owner),
                new("When", TimeText.Format(release.CreatedAt, context.Clock.GetUtcNow())),
                new("Status", release.Status.ToString().ToLowerInvariant() + (release.Current ? " (current)" : "")),
            };
            if (release.FailureReason is not null)
            {
                fields.Add(new("Failure", release.FailureReason));
            }

            fields.Add(new("Image", release.Image ?? "none"));
            fields.Add(new("Build", release.BuildId ?? "none"));
            fields.AddRange(ProcessSettingsText.Fields(release.Limits, release.Healthchecks, null));
            context.Out.Write(KeyValueList.Heading("Release " + ReleaseVersion.Format(release.Version)));
            context.Out.Write(KeyValueList.Format(fields));
            context.Out.WriteLine();
            context.Out.Write(KeyValueList.Heading(ReleaseVersion.Format(release.Version) + " Config Vars"));
            context.Out.Write(KeyValueList.Format((release.Config ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rollback(CliContext context)
    {
        var version = new Argument<string>("VERSION") { Description = "The release to go back to, like v2 (default: the one before the current)", Arity = ArgumentArity.ZeroOrOne };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("rollback", "Make a new release with the build and config of an earlier one") { version, appOption, json };
        command.Aliases.Add("releases:rollback");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(version);
            int? number = text is null ? null : ReleaseVersion.Parse(text);
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            var request = new RollbackRequest(number);
            ReleaseInfo release;
            if (parse.GetValue(json))
            {
                release = await client.RollbackAsync(app, request, cancellationToken);
                context.WriteJson(release);
            }
            else
            {
                var label = $"Rolling back {app}" + (number is { } n ? " to " + ReleaseVersion.Format(n) : "");
                release = await Progress.RunAsync(context, label, () => client.RollbackAsync(app, request, cancellationToken), r => "done, " + ReleaseVersion.Format(r.Version));
                context.Out.WriteLine(ReleaseTable.Summary(release));
            }

            if (release.Status == ReleaseStatus.Failed)
            {
                throw new CliException($"release {ReleaseVersion.Format(release.Version)} failed to deploy: {release.FailureReason ?? "no reason given"}; the previous release keeps serving.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
