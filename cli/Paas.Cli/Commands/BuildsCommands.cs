using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Cli.Parsing;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>builds</c> and <c>pull</c> (deploy an existing image).</summary>
internal static class BuildsCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Pull(context)];

    private static Command List(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("builds", "List an app's builds, newest first") { appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var builds = await context.Client().ListBuildsAsync(app, cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(builds);
                return ExitCodes.Ok;
            }

            var now = context.Clock.GetUtcNow();
            context.Out.Write(KeyValueList.Heading($"{app} Builds"));
            context.Out.Write(TextTable.Format(builds.Results.Select(b => (IReadOnlyList<string>)
            [
                b.Id, // time-ordered UUIDs share their first characters: only the whole id tells builds apart
                b.Sha is { Length: >= 7 } sha ? sha[..7] : "-",
                b.Image,
                b.Owner,
                TimeText.Format(b.CreatedAt, now),
            ]).ToList()));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Pull(CliContext context)
    {
        var image = new Argument<string>("IMAGE") { Description = "The image to deploy: [registry/]repository[:tag|@sha256:digest]" };
        var procfile = new Option<string[]>("--procfile") { Description = "A process type and its command, like 'web: ./server' (repeatable)", HelpName = "'TYPE: COMMAND'" };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("pull", "Deploy an existing image (a new build and release)") { image, procfile, appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var reference = parse.GetValue(image)!;
            var types = ProcfileEntry.Parse(parse.GetValue(procfile));
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            var request = new BuildCreateRequest(reference, types);
            if (parse.GetValue(json))
            {
                context.WriteJson(await client.CreateBuildAsync(app, request, cancellationToken));
                return ExitCodes.Ok;
            }

            var release = await Progress.RunAsync(context, $"Deploying {reference} to {app}", async () =>
            {
                await client.CreateBuildAsync(app, request, cancellationToken);
                var latest = await client.ListReleasesAsync(app, 1, cancellationToken: cancellationToken);
                return latest.Results.FirstOrDefault();
            }, r => r is null ? "done" : "done, " + ReleaseVersion.Format(r.Version));
            if (release is { Status: ReleaseStatus.Failed })
            {
                throw new CliException($"release {ReleaseVersion.Format(release.Version)} failed to deploy: {release.FailureReason ?? "no reason given"}; the previous release keeps serving.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
