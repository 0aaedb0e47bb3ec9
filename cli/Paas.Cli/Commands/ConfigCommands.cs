using System.CommandLine;
using System.Net;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Cli.Parsing;
using Paas.Client;
using Paas.Domain.Shell;

namespace Paas.Cli.Commands;

/// <summary>
/// <c>config</c>, <c>config:get</c>, <c>config:set</c>, <c>config:unset</c>, and Deis Workflow's <c>config:pull</c> and
/// <c>config:push</c> (a <c>.env</c> file, as foreman and <c>heroku local</c> read it). Each change makes a new release.
/// </summary>
internal static class ConfigCommands
{
    private const string DefaultEnvFile = ".env";

    public static IEnumerable<Command> Create(CliContext context) => [Show(context), Get(context), Set(context), Unset(context), Pull(context), Push(context)];

    private static Command Show(CliContext context)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var shell = new Option<bool>("--shell", "-s") { Description = "Print KEY=value lines for sh (values quoted where needed), as a .env file" };
        var command = new Command("config", "Show an app's config vars") { appOption, json, shell };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var config = await context.Client().GetConfigAsync(app, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(config);
            }
            else if (parse.GetValue(shell))
            {
                context.Out.Write(ShellLines(config.Values));
            }
            else
            {
                context.Out.Write(KeyValueList.Heading($"{app} Config Vars"));
                context.Out.Write(KeyValueList.Format(Sorted(config.Values)));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CliContext context)
    {
        var key = new Argument<string>("KEY") { Description = "The config var's name" };
        var appOption = CommonOptions.App();
        var command = new Command("config:get", "Print one config var's value") { key, appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = ConfigAssignment.ValidateKey(parse.GetValue(key)!);
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var config = await context.Client().GetConfigAsync(app, cancellationToken);
            if (!config.Values.TryGetValue(name, out var value))
            {
                throw new CliException($"{name} is not set on {app}; `paas config -a {app}` lists what is.");
            }

            context.Out.WriteLine(value);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Set(CliContext context)
    {
        var pairs = new Argument<string[]>("KEY=value") { Description = "Config vars to set", Arity = ArgumentArity.OneOrMore };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("config:set", "Set config vars (one new release)") { pairs, appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var assignments = parse.GetValue(pairs)!.Select(ConfigAssignment.Parse).ToList();
            var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            foreach (var assignment in assignments)
            {
                values[assignment.Key] = assignment.Value;
            }

            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            await SetAsync(context, app, values, parse.GetValue(json), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unset(CliContext context)
    {
        var keys = new Argument<string[]>("KEY") { Description = "Config vars to unset", Arity = ArgumentArity.OneOrMore };
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command("config:unset", "Unset config vars (one new release)") { keys, appOption, json };
        command.Aliases.Add("config:remove");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            foreach (var key in parse.GetValue(keys)!)
            {
                values[ConfigAssignment.ValidateKey(key)] = null;
            }

            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            await UpdateAsync(context, app, $"Unsetting {Names(values.Keys)} and restarting {app}", values, parse.GetValue(json), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Pull(CliContext context)
    {
        var appOption = CommonOptions.App();
        var path = EnvFileOption("The file to write");
        var overwrite = new Option<bool>("--overwrite", "-o") { Description = "Replace the file when it exists (the values in it are lost)" };
        var command = new Command("config:pull", "Write an app's config vars to a .env file, for running it locally") { appOption, path, overwrite };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var given = parse.GetValue(path)!;
            var file = Path.GetFullPath(given, context.WorkingDirectory);
            var config = await context.Client().GetConfigAsync(app, cancellationToken);
            var text = System.Text.Encoding.UTF8.GetBytes(ShellLines(config.Values));
            var options = new FileStreamOptions { Mode = parse.GetValue(overwrite) ? FileMode.Create : FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // Owner-only from the start: config vars hold the app's secrets.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                await using var stream = new FileStream(file, options);
                await stream.WriteAsync(text, cancellationToken);
            }
            catch (IOException) when (File.Exists(file) && !parse.GetValue(overwrite))
            {
                throw new CliException($"{given} exists; `paas config:pull --overwrite` replaces it (the values in it are lost), or --path writes another file.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot write {given}: {e.Message}");
            }

            context.Out.WriteLine($"Wrote {Count(config.Values.Count)} of {app} to {given}");
            if (config.Values.Count > 0 && await context.Git.WouldAddAsync(file, cancellationToken))
            {
                // A committed .env goes into every build with `git push paas`, and into the repository's history.
                context.Error.WriteLine($" !    {given} holds {app}'s config vars and git would commit it: add it to .gitignore.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Push(CliContext context)
    {
        var appOption = CommonOptions.App();
        var path = EnvFileOption("The file to read, - for standard input");
        var json = CommonOptions.Json();
        var command = new Command("config:push", "Set the config vars in a .env file (one new release); the others stay") { appOption, path, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = parse.GetValue(path)!;
            string text;
            try
            {
                text = given == "-" ? await context.In.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(Path.GetFullPath(given, context.WorkingDirectory), cancellationToken);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw CliException.Usage($"{given} not found; `paas config:pull` writes one, or --path names another file.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read {given}: {e.Message}");
            }

            IReadOnlyList<KeyValuePair<string, string>> assignments;
            try
            {
                assignments = ShellWords.ReadAssignments(text);
            }
            catch (FormatException e)
            {
                throw CliException.Usage($"{(given == "-" ? "standard input" : given)} {e.Message}. Nothing was set.");
            }

            if (assignments.Count == 0)
            {
                throw CliException.Usage($"{given} sets no config vars (expected NAME=value lines). Nothing was set.");
            }

            var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, value) in assignments)
            {
                values[ConfigAssignment.ValidateKey(key)] = value;
            }

            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            await SetAsync(context, app, values, parse.GetValue(json), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Option<string> EnvFileOption(string description) =>
        new("--path", "-p") { Description = description, DefaultValueFactory = _ => DefaultEnvFile };

    /// <summary>One <c>NAME=value</c> line per var, by name, each value a <c>sh</c> word (<see cref="ShellWords.Quote"/>); <see cref="ShellWords.ReadAssignments"/> reads them back.</summary>
    private static string ShellLines(IReadOnlyDictionary<string, string> values) =>
        string.Concat(Sorted(values).Select(p => $"{p.Key}={ShellWords.Quote(p.Value)}\n"));

    private static string Count(int n) => n == 1 ? "1 config var" : $"{n} config vars";

    /// <summary><c>config:set</c> and <c>config:push</c>: sets <paramref name="values"/> in one release, then lists them as Heroku does.</summary>
    private static async Task SetAsync(CliContext context, string app, SortedDictionary<string, string?> values, bool json, CancellationToken cancellationToken)
    {
        var config = await UpdateAsync(context, app, $"Setting {Names(values.Keys)} and restarting {app}", values, json, cancellationToken);
        if (config is not null && !json)
        {
            context.Out.Write(KeyValueList.Format(values.Select(p => new KeyValuePair<string, string>(p.Key, p.Value ?? ""))));
        }
    }

    /// <summary>Posts the change; an unchanged config (409) is not an error for the CLI: the wanted state holds.</summary>
    private static async Task<ConfigInfo?> UpdateAsync(
        CliContext context, string app, string label, IReadOnlyDictionary<string, string?> values, bool json, CancellationToken cancellationToken)
    {
        var client = context.Client();
        async Task<ConfigInfo?> Step()
        {
            try
            {
                return await client.UpdateConfigAsync(app, new ConfigUpdateRequest(values), cancellationToken);
            }
            catch (PaasApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                return null;
            }
        }

        if (json)
        {
            var result = await Step();
            context.WriteJson(result ?? await client.GetConfigAsync(app, cancellationToken));
            return result;
        }

        return await Progress.RunAsync(context, label, Step, c => c is null ? "no change" : "done, " + ReleaseVersion.Format(c.Release));
    }

    private static IEnumerable<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string> values) =>
        values.OrderBy(p => p.Key, StringComparer.Ordinal);

    private static string Names(IEnumerable<string> names) => string.Join(", ", names);
}
