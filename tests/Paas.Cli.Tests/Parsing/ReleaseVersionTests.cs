using Paas.Cli.Parsing;

namespace Paas.Cli.Tests.Parsing;

public sealed class ReleaseVersionTests
{
    [Theory]
    [InlineData("v2", 2)]
    [InlineData("V17", 17)]
    [InlineData("3", 3)]
    public void Parses_versions_as_people_write_them(string text, int expected)
    {
        Assert.Equal(expected, ReleaseVersion.Parse(text));
    }

    [Theory]
    [InlineData("v0")]
    [InlineData("v")]
    [InlineData("v-1")]
    [InlineData("latest")]
    public void Refuses_what_is_not_a_release_number(string text)
    {
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => ReleaseVersion.Parse(text)).ExitCode);
    }
}
