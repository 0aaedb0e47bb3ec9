using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>maintenance</c>, <c>maintenance:on|off</c>, <c>tls:enable|disable</c>, <c>grpc:enable|disable</c>: the app's router settings.</summary>
internal static class SettingsCommands
{
    public static IEnumerable<Command> Create(CliContext context) =>
    [
        Show(context, "maintenance", "Show whether an app is in maintenance mode", s => s.Maintenance == true ? "on" : "off"),
        Set(context, "maintenance:on", "Answer every request with a maintenance page (503)", "Enabling maintenance mode for", new AppSettingsInfo(Maintenance: true)),
        Set(context, "maintenance:off", "Serve requests again", "Disabling maintenance mode for", new AppSettingsInfo(Maintenance: false)),
        Show(context, "tls", "Show whether HTTP is redirected to HTTPS", s => s.HttpsEnforced == true ? "HTTPS enforced" : "HTTP and HTTPS"),
        Set(context, "tls:enable", "Redirect HTTP to HTTPS and send HSTS", "Enforcing HTTPS for", new AppSettingsInfo(HttpsEnforced: true)),
        Set(context, "tls:disable", "Serve plain HTTP again", "Allowing HTTP for", new AppSettingsInfo(HttpsEnforced: false)),
        Show(context, "grpc", "Show whether gRPC requests reach the web processes as HTTP/2 (h2c)", s => s.Grpc == true ? "gRPC to the processes over h2c" : "HTTP/1.1 to the processes"),
        Set(context, "grpc:enable", "Send gRPC requests (over HTTPS) to the web processes as HTTP/2 without TLS (h2c on PORT)", "Enabling gRPC for", new AppSettingsInfo(Grpc: true)),
        Set(context, "grpc:disable", "Send every request to the web processes as HTTP/1.1 again", "Disabling gRPC for", new AppSettingsInfo(Grpc: false)),
    ];

    private static Command Show(CliContext context, string name, string description, Func<AppSettingsInfo, string> describe)
    {
        var appOption = CommonOptions.App();
        var json = CommonOptions.Json();
        var command = new Command(name, description) { appOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var settings = await context.Client().GetSettingsAsync(app, cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(settings);
            }
            else
            {
                context.Out.WriteLine(describe(settings));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Set(CliContext context, string name, string description, string label, AppSettingsInfo change)
    {
        var appOption = CommonOptions.App();
        var command = new Command(name, description) { appOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = await context.AppAsync(parse.GetValue(appOption), cancellationToken);
            var client = context.Client();
            await Progress.RunAsync(context, $"{label} {app}", () => client.UpdateSettingsAsync(app, change, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
