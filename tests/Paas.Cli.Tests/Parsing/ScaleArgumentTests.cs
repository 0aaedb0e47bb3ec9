using Paas.Cli.Parsing;

namespace Paas.Cli.Tests.Parsing;

public sealed class ScaleArgumentTests
{
    [Fact]
    public void Parses_type_count_pairs_and_the_last_one_wins()
    {
        var counts = ScaleArgument.Parse(["web=4", "worker=1", "web=2", "clock=0"]);

        Assert.Equal(new Dictionary<string, int> { ["clock"] = 0, ["web"] = 2, ["worker"] = 1 }, counts);
    }

    [Theory]
    [InlineData("web")]
    [InlineData("web=")]
    [InlineData("web=-1")]
    [InlineData("web=two")]
    [InlineData("=3")]
    [InlineData("Web=3")]
    public void Refuses_anything_else_as_bad_usage(string argument)
    {
        var error = Assert.Throws<CliException>(() => ScaleArgument.Parse([argument]));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }

    [Fact]
    public void Refuses_an_empty_list()
    {
        Assert.Throws<CliException>(() => ScaleArgument.Parse([]));
    }
}
