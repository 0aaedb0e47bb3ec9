using System.CommandLine;
using System.Net;
using Paas.Cli.Hosting;
using Paas.Cli.Settings;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary>
/// <c>login</c>, <c>register</c>, <c>logout</c>, <c>whoami</c>, <c>auth:token</c>, <c>auth:regenerate</c>,
/// <c>auth:passwd</c>: who the CLI acts as, on which platform (Heroku's <c>auth:token</c>, Deis's <c>auth:regenerate</c>
/// and <c>auth:passwd</c>).
/// </summary>
internal static class AuthCommands
{
    public static IEnumerable<Command> Create(CliContext context) =>
        [Login(context), Register(context), Logout(context), WhoAmI(context), Token(context), Regenerate(context), ChangePassword(context)];

    private static Command Token(CliContext context)
    {
        var command = new Command("auth:token", "Print the token the CLI uses (to set PAAS_TOKEN in CI; 'paas auth:regenerate' revokes it)");
        command.SetAction(_ =>
        {
            var platform = context.PlatformUrl(null);
            context.Out.WriteLine(context.TokenFor(platform)
                ?? throw new CliException($"not logged in to {Text(platform)}; run `paas login {Text(platform)}`."));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Regenerate(CliContext context)
    {
        var command = new Command("auth:regenerate", "Issue a new token and revoke every other token of yours (other machines, CI secrets)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var platform = context.PlatformUrl(null);
            var token = await context.Client().RegenerateTokenAsync(cancellationToken);
            Save(context, platform, token);
            context.Out.WriteLine($"Token regenerated for {token.Username}: every other token of yours stopped working.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ChangePassword(CliContext context)
    {
        var password = new Option<string>("--password", "-p") { Description = "Your current password (asked, hidden, when not given)", HelpName = "PASSWORD" };
        var newPassword = new Option<string>("--new-password") { Description = "The new password (asked twice, hidden, when not given)", HelpName = "PASSWORD" };
        var username = new Option<string>("--username", "-u") { Description = "Another user's password (platform admins)", HelpName = "NAME" };
        var command = new Command("auth:passwd", "Change your password, or as a platform admin another user's") { password, newPassword, username };
        command.Aliases.Add("passwd");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var other = parse.GetValue(username);
            var current = other is null ? parse.GetValue(password) ?? Prompt.Ask(context, "Current password", "--password", secret: true) : null;
            var next = parse.GetValue(newPassword) ?? AskNewPassword(context, "New password", "--new-password");
            await context.Client().ChangePasswordAsync(new PasswordChangeRequest(current, next, other), cancellationToken);
            context.Out.WriteLine(other is null ? "Password changed." : $"Password of {other} changed.");
            return ExitCodes.Ok;
        });
        return command;
    }

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
            var secret = parse.GetValue(password) ?? AskNewPassword(context, "Password", "--password");
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

    private static string AskNewPassword(CliContext context, string label, string option)
    {
        var password = Prompt.Ask(context, label, option, secret: true);
        if (context.InputIsTerminal && Prompt.Ask(context, label + " (again)", option, secret: true) != password)
        {
            throw CliException.Usage("the two passwords differ; try again.");
        }

        return password;
    }

    private static void Save(CliContext context, Uri platform, TokenResponse token) =>
        context.Store.Save(new CliSettings(Text(platform), token.Username, token.Token));

    private static string Text(Uri url) => url.AbsoluteUri.TrimEnd('/');
}
