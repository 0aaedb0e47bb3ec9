using Paas.Cli.Hosting;

namespace Paas.Cli.Tests.Cli;

/// <summary>Runs the CLI in-process with captured output, an isolated HOME and a chosen environment.</summary>
internal sealed class CliRun : IDisposable
{
    private readonly Dictionary<string, string?> _environment;

    public CliRun(Dictionary<string, string?>? environment = null)
    {
        Home = Directory.CreateTempSubdirectory("paas-cli-home-").FullName;
        _environment = environment ?? [];
        _environment["HOME"] = Home;
    }

    public string Home { get; }

    public async Task<(int ExitCode, string Out, string Error)> RunInAsync(string workingDirectory, string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var http = new HttpClient();
        var context = new CliContext(output, error, new StringReader(stdin), inputIsTerminal: false, name => _environment.GetValueOrDefault(name), workingDirectory, http);
        var code = await CliApplication.RunAsync(args, context, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    public Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args) => RunInAsync(Home, "", args);

    public void Dispose() => Directory.Delete(Home, recursive: true);
}
