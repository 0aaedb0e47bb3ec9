using System.CommandLine;
using Paas.Cli.Git;
using Paas.Cli.Hosting;

namespace Paas.Cli.Commands;

/// <summary><c>git:remote</c> and <c>git:credentials</c> (the git credential helper).</summary>
internal static class GitCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [Remote(context), Credentials(context)];

    private static Command Remote(CliContext context)
    {
        var appOption = CommonOptions.App();
        var remoteName = new Option<string>("--remote", "-r") { Description = "Name of the git remote", DefaultValueFactory = _ => PaasRemote.DefaultName, HelpName = "NAME" };
        var command = new Command("git:remote", "Point a git remote of the current repository at an app, with paas as its credential helper") { appOption, remoteName };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            var info = await client.GetAppAsync(app, cancellationToken);
            if (!await context.Git.IsRepositoryAsync(cancellationToken))
            {
                throw new CliException($"{context.Git.WorkingDirectory} is not a git repository; run `git init` first.");
            }

            var remote = PaasRemote.For(client.BaseUrl, info.Name);
            var name = parse.GetValue(remoteName) ?? PaasRemote.DefaultName;
            var added = await GitRemoteSetup.ApplyAsync(context.Git, name, remote, cancellationToken);
            context.Out.WriteLine($"Git remote {name} {(added ? "added" : "set")} to {remote.GitUrl}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Credentials(CliContext context)
    {
        var operation = new Argument<string>("OPERATION") { Description = "get, store or erase (git calls this; see gitcredentials(7))" };
        var command = new Command("git:credentials", "Git credential helper: answers the username and token for the platform's host");
        command.Add(operation);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = await GitCredentialRequest.ReadAsync(context.In, cancellationToken);
            if (parse.GetValue(operation) != "get")
            {
                return ExitCodes.Ok;
            }

            var url = context.PlatformUrl();
            var token = context.TokenFor(url);
            if (token is null || !request.IsFor(url))
            {
                return ExitCodes.Ok;
            }

            var username = context.UsernameFor(url) ?? request.Username ?? "paas";
            context.Out.Write($"username={username}\npassword={token}\n");
            return ExitCodes.Ok;
        });
        return command;
    }
}
