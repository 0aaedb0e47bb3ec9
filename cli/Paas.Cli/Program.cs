using Paas.Cli;
using Paas.Cli.Hosting;
using Paas.Cli.Terminal;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
var context = new CliContext(
    Console.Out,
    Console.Error,
    Console.In,
    !Console.IsInputRedirected,
    Environment.GetEnvironmentVariable,
    Directory.GetCurrentDirectory(),
    http,
    Console.OpenStandardInput,
    OperatingSystem.IsWindows() ? NoTerminal.Instance : new UnixTerminal());
return await CliApplication.RunAsync(args, context, cancel.Token);
