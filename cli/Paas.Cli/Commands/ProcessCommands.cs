using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Cli.Terminal;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>logs</c>, <c>run</c>, <c>run:detached</c>: an app's log stream and one-off processes.</summary>
internal static class ProcessCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [Logs(context), Run(context, detached: false), Run(context, detached: true)];

    private static Command Logs(CliContext context)
    {
        var lines = new Option<int?>("--num", "-n") { Description = "How many past lines (1-1500, default 100)", HelpName = "N" };
        var process = new Option<string?>("--ps", "-p") { Description = "Only this process type (web) or process (web.1)", HelpName = "TYPE" };
        var tail = new Option<bool>("--tail", "-t") { Description = "Keep streaming new lines until interrupted (Ctrl+C)" };
        var appOption = CommonOptions.App();
        var command = new Command("logs", "Show an app's logs: process output, router lines and platform events") { lines, process, tail, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            await foreach (var line in context.Client().ReadLogsAsync(app, parse.GetValue(lines), parse.GetValue(process), parse.GetValue(tail), cancellationToken))
            {
                context.Out.WriteLine(line);
                await context.Out.FlushAsync(cancellationToken);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Run(CliContext context, bool detached)
    {
        var commandLine = new Argument<string[]>("COMMAND") { Description = "The command and its arguments", Arity = ArgumentArity.OneOrMore };
        var limit = new Option<int?>("--time-limit") { Description = "End the process after this many seconds (default 1 hour)", HelpName = "SECONDS" };
        var noStdin = new Option<bool>("--no-stdin") { Description = "Do not forward standard input: the process reads EOF at once" };
        var noTty = new Option<bool>("--no-tty") { Description = "Do not ask for a terminal (one is asked for when standard input and output are terminals)" };
        var appOption = CommonOptions.App();
        var command = new Command(detached ? "run:detached" : "run", detached
            ? "Run a one-off process in the background; its output goes to the app's logs"
            : "Run a one-off process with the current release's slug and config, on a terminal when paas runs in one (keys go to the process, Ctrl+C included); forwards piped standard input (Ctrl+D ends it, Ctrl+C ends the process) and exits with its exit code")
        {
            commandLine, limit, appOption,
        };
        if (!detached)
        {
            command.Add(noStdin);
            command.Add(noTty);
        }

        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var text = string.Join(' ', [.. parse.GetValue(commandLine) ?? [], .. parse.UnmatchedTokens]);
            var request = new RunCreateRequest(text, detached, parse.GetValue(limit));
            if (detached)
            {
                await foreach (var _ in context.Client().RunAsync(app, request, cancellationToken))
                {
                }

                context.Out.WriteLine($"Running `{text}` on {app}... up, detached: see its output with 'paas logs -t -a {app}'");
                return ExitCodes.Ok;
            }

            // Heroku's "Running `CMD` on APP... up": "up" only once the platform has taken the run, else "failed" before the reason.
            context.Error.Write($"Running `{text}` on {app}... ");
            await context.Error.FlushAsync(cancellationToken);
            var up = false;
            var wantsTty = TtyRun.Wanted(context.Terminal, parse.GetValue(noTty), parse.GetValue(noStdin));
            var output = new RunOutputWriter(context.Out, context.Error);
            RunEvent final;
            using (var tty = new TtyRun(context.Terminal, context.Error))
            {
                using var input = parse.GetValue(noStdin) ? null : wantsTty ? context.Terminal.OpenInput() : context.OpenInput();
                async ValueTask StartedAsync(RunEvent start)
                {
                    up = true;
                    await context.Error.WriteLineAsync("up");
                    await context.Error.FlushAsync(CancellationToken.None);
                    await tty.StartedAsync(start);
                }

                try
                {
                    final = await context.Client().RunAttachedAsync(app, wantsTty ? tty.Ask(request, context.Variable("TERM")) : request, input, output.WriteAsync,
                        new RunAttachOptions(StartedAsync, tty.Resizes), cancellationToken);
                }
                finally
                {
                    if (!up)
                    {
                        context.Error.WriteLine("failed");
                    }
                }

                await output.FlushAsync();
            } // the terminal is itself again before anything else is printed

            if (final.FailureReason is { } reason)
            {
                throw new CliException($"{app}: the process could not start: {reason}");
            }

            if (final.TimedOut == true)
            {
                context.Error.WriteLine($"paas: {final.Name} reached its time limit and was stopped");
            }

            return final.ExitCode ?? ExitCodes.Failed;
        });
        return command;
    }
}
