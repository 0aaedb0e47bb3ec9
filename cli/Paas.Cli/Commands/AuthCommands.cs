using System.CommandLine;
using System.Net;
using Paas.Cli.Hosting;
using Paas.Cli.Settings;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>login</c>, <c>register</c>, <c>logout</c>, <c>whoami</c>: who the CLI acts as, on which platform.</summary>
internal static class AuthCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [Login(context), Register(context), Logout(context), WhoAmI(context)];

    private static Command Login(CliContext context)
    {
        var url = UrlArgument();
        var username = UsernameOption();
        var password = PasswordOption();
        var command = new Command("login", "Log in to a platform and store its token in ~/.paas/config.json") { url, username, password };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var platform = context.PlatformUrl(parse.GetValue(url));
            var name = parse.GetValue(username) ?? Prompt.Ask(context, "Username", "--username", secret: false);
            var secret = parse.GetValue(password) ?? Prompt.Ask(context, "Password", "--password", secret: true);
            var token = await context.AnonymousClient(platform).LoginAsync(new LoginRequest(name, secret), cancellationToken);
            Save(context, platform, token);
            context.Out.WriteLine($"Logged in as {token.Username} at {Text(platform)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Register(CliContext context)
    {
        var url = UrlArgument();
        var username = UsernameOption();
        var password = PasswordOption();
        var email = new Option<string>("--email") { Description = "E-mail address of the new user", HelpName = "EMAIL" };
        var command = new Command(
            "register",
            "Create a user (the first one becomes admin) and log in as it; when logged in as an admin, create another user and stay logged in")
        {
            url, username, password, email,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var platform = context.PlatformUrl(parse.GetValue(url));
            var name = parse.GetValue(username) ?? Prompt.Ask(context, "Username", "--username", secret: false);
            var secret = parse.GetValue(password) ?? AskNewPassword(context);
            var request = new RegisterRequest(name, secret, parse.GetValue(email));
            var current = context.TokenFor(platform);
            var anonymous = context.AnonymousClient(platform);
            UserInfo user;
            try
            {
                user = await anonymous.WithToken(current).RegisterAsync(request, cancellationToken);
            }
            catch (PaasApiException e) when (current is not null && e.StatusCode == HttpStatusCode.Unauthorized)
            {
                current = null;
                user = await anonymous.RegisterAsync(request, cancellationToken);
            }

            context.Out.WriteLine($"Registered {user.Username}{(user.IsAdmin ? " (platform admin)" : "")} at {Text(platform)}");
            if (current is not null)
            {
                context.Out.WriteLine($"You are still logged in as {context.UsernameFor(platform) ?? "before"}.");
                return ExitCodes.Ok;
            }

            var token = await anonymous.LoginAsync(new LoginRequest(name, secret), cancellationToken);
            Save(context, platform, token);
            context.Out.WriteLine($"Logged in as {token.Username}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Logout(CliContext context)
    {
        var command = new Command("logout", "Forget the stored token");
        command.SetAction(_ =>
        {
            var settings = context.Store.Load();
            context.Store.Save(new CliSettings(settings.Url));
            context.Out.WriteLine(settings.Token is null ? "Not logged in." : $"Logged out of {settings.Url}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command WhoAmI(CliContext context)
    {
        var json = CommonOptions.Json();
        var command = new Command("whoami", "Print the user the CLI acts as") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var user = await context.Client().WhoAmIAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(user);
            }
            else
            {
                context.Out.WriteLine(user.Username);
                if (user.Teams is { Count: > 0 } teams)
                {
                    context.Out.WriteLine($"Teams: {string.Join(", ", teams)}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Argument<string> UrlArgument() => new("URL")
    {
        Description = $"The platform's API URL (default: PAAS_URL, the last one used, or {CliContext.DefaultUrl})",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static Option<string> UsernameOption() => new("--username", "-u") { Description = "Username (asked when not given)", HelpName = "NAME" };

    private static Option<string> PasswordOption() => new("--password", "-p") { Description = "Password (asked, hidden, when not given)", HelpName = "PASSWORD" };

    private static string AskNewPassword(CliContext context)
    {
        var password = Prompt.Ask(context, "Password", "--password", secret: true);
        if (context.InputIsTerminal && Prompt.Ask(context, "Password (again)", "--password", secret: true) != password)
        {
            throw CliException.Usage("the two passwords differ; try again.");
        }

        return password;
    }

    private static void Save(CliContext context, Uri platform, TokenResponse token) =>
        context.Store.Save(new CliSettings(Text(platform), token.Username, token.Token));

    private static string Text(Uri url) => url.AbsoluteUri.TrimEnd('/');
}
