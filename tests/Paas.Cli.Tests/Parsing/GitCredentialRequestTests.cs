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

    [Fact]
    public void Quotes_the_helper_command_for_the_shell()
    {
        Assert.Equal("'/opt/my paas/it'\\''s'", CredentialHelperCommand.ShellQuote("/opt/my paas/it's"));
    }
}
