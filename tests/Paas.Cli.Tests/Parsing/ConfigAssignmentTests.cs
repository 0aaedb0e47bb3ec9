using Paas.Cli.Parsing;

namespace Paas.Cli.Tests.Parsing;

public sealed class ConfigAssignmentTests
{
    [Theory]
    [InlineData("A=1", "A", "1")]
    [InlineData("GREETING=hello world", "GREETING", "hello world")]
    [InlineData("URL=postgres://u:p@h/db?x=1", "URL", "postgres://u:p@h/db?x=1")]
    [InlineData("EMPTY=", "EMPTY", "")]
    [InlineData("_x9=y", "_x9", "y")]
    public void Parses_the_key_and_keeps_everything_after_the_first_equals_sign(string argument, string key, string value)
    {
        var parsed = ConfigAssignment.Parse(argument);

        Assert.Equal(new ConfigAssignment(key, value), parsed);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("=1")]
    [InlineData("1A=x")]
    [InlineData("A-B=x")]
    [InlineData("A B=x")]
    [InlineData("PORT=8080")]
    [InlineData("PAAS_APP=x")]
    public void Refuses_what_is_not_a_posix_name_and_a_value_or_is_set_by_the_platform_as_bad_usage(string argument)
    {
        var error = Assert.Throws<CliException>(() => ConfigAssignment.Parse(argument));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }
}
