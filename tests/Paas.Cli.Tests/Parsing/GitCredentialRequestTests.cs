using Paas.Cli.Git;

namespace Paas.Cli.Tests.Parsing;

public sealed class GitCredentialRequestTests
{
    [Fact]
    public async Task Reads_the_git_credential_protocol_up_to_the_blank_line()
    {
        var input = new StringReader("protocol=http\nhost=localhost:7000\npath=hello.git\n\nignored=1\n");

        var request = await GitCredentialRequest.ReadAsync(input, TestContext.Current.CancellationToken);

        Assert.Equal(new GitCredentialRequest("http", "localhost:7000", "hello.git", null), request);
    }

    [Theory]
    [InlineData("http", "localhost:7000", "http://localhost:7000", true)]
    [InlineData("http", "LOCALHOST:7000", "http://localhost:7000", true)]
    [InlineData("https", "paas.example.com", "https://paas.example.com", true)]
    [InlineData("http", "localhost:7001", "http://localhost:7000", false)]
    [InlineData("https", "localhost:7000", "http://localhost:7000", false)]
    [InlineData("http", "github.com", "http://localhost:7000", false)]
    public void Answers_only_for_the_platform_host(string protocol, string host, string platform, bool expected)
    {
        var request = new GitCredentialRequest(protocol, host, null, null);

        Assert.Equal(expected, request.IsFor(new Uri(platform)));
    }

    /// <summary>Issue "The first hour", item 9: the helper survives moving or rebuilding the checkout the CLI was built in.</summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_helper_names_paas_when_it_is_on_PATH_and_an_absolute_path_only_when_it_is_not()
    {
        var bin = Directory.CreateTempSubdirectory("paas-path-").FullName;
        try
        {
            var stale = Directory.CreateDirectory(Path.Combine(bin, "stale")).FullName;
            Script(Path.Combine(bin, "paas"), $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "paas.dll")}\" \"$@\"\n"); // start.sh's wrapper
            Script(Path.Combine(stale, "paas"), "#!/bin/sh\nexec dotnet /gone/artifacts/paas/paas.dll \"$@\"\n"); // another checkout's

            Assert.Equal("!paas git:credentials", CredentialHelperCommand.ForCurrentProcess("/nonexistent:" + bin));
            // The first paas is not this one: the absolute path (in single quotes when it holds a character sh treats specially).
            Assert.Matches("^!'?/", CredentialHelperCommand.ForCurrentProcess(stale + ":" + bin));
            var absolute = CredentialHelperCommand.ForCurrentProcess("/nonexistent:relative/bin");
            Assert.Matches("^!'?/", absolute);
            Assert.EndsWith(" git:credentials", absolute, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }

        static void Script(string path, string text)
        {
            File.WriteAllText(path, text);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
