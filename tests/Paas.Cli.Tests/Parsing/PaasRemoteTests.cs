using Paas.Cli.Git;

namespace Paas.Cli.Tests.Parsing;

public sealed class PaasRemoteTests
{
    [Theory]
    [InlineData("http://localhost:7000/hello.git", "http://localhost:7000/", "hello")]
    [InlineData("https://paas.example.com/brave-otter-4821.git", "https://paas.example.com/", "brave-otter-4821")]
    [InlineData("http://alice@127.0.0.1:7100/hello.git/", "http://127.0.0.1:7100/", "hello")]
    [InlineData("http://host:8000/prefix/hello.git", "http://host:8000/prefix", "hello")]
    [InlineData("http://localhost:7000/hello", "http://localhost:7000/", "hello")]
    public void Finds_the_platform_and_the_app_in_a_remote_url(string url, string platform, string app)
    {
        Assert.True(PaasRemote.TryParse(url, out var remote));
        Assert.Equal(app, remote.App);
        Assert.Equal(platform, remote.PlatformUrl.AbsoluteUri);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("git@github.com:org/hello.git")]
    [InlineData("ssh://git@host/hello.git")]
    [InlineData("http://localhost:7000/")]
    [InlineData("http://localhost:7000/.git")]
    [InlineData("/srv/git/hello.git")]
    public void Refuses_what_is_not_a_paas_remote(string? url)
    {
        Assert.False(PaasRemote.TryParse(url, out _));
    }

    [Fact]
    public void Builds_the_git_url_from_the_platform_url_and_the_app()
    {
        var remote = PaasRemote.For(new Uri("http://localhost:7000/"), "hello");

        Assert.Equal("http://localhost:7000/hello.git", remote.GitUrl);
        Assert.True(PaasRemote.TryParse(remote.GitUrl, out var back));
        Assert.Equal(remote, back);
    }
}
