using Paas.Cli.Parsing;

namespace Paas.Cli.Tests.Parsing;

public sealed class ProcfileEntryTests
{
    [Fact]
    public void Parses_procfile_lines_and_keeps_colons_in_the_command()
    {
        var types = ProcfileEntry.Parse(["web: ./server --bind 0.0.0.0:$PORT", "worker:python worker.py"]);

        Assert.Equal(new Dictionary<string, string> { ["web"] = "./server --bind 0.0.0.0:$PORT", ["worker"] = "python worker.py" }, types);
    }

    [Fact]
    public void No_lines_means_the_image_decides()
    {
        Assert.Null(ProcfileEntry.Parse(null));
        Assert.Null(ProcfileEntry.Parse([]));
    }

    [Fact]
    public void Refuses_a_line_without_a_command()
    {
        Assert.Throws<CliException>(() => ProcfileEntry.Parse(["web:"]));
    }

    [Fact]
    public void Refuses_a_type_the_platform_would_refuse_before_anything_is_sent()
    {
        var error = Assert.Throws<CliException>(() => ProcfileEntry.Parse(["Web: ./server"]));
        Assert.Contains("'Web' is not a valid process type: use lower-case letters", error.Message, StringComparison.Ordinal);
    }
}
