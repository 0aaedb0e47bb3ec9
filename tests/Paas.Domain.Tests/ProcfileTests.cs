using Xunit;

namespace Paas.Domain.Tests;

/// <summary>The one Procfile rule the builder and the CLI share (issue "The first hour", item 7).</summary>
public sealed class ProcfileTests
{
    [Fact]
    public void Reads_types_and_commands_skipping_blank_lines_and_comments()
    {
        var (types, error) = Procfile.Parse("# processes\r\nweb: node server.js --port $PORT\n\nworker:python worker.py\n");
        Assert.Null(error);
        Assert.Equal(new Dictionary<string, string> { ["web"] = "node server.js --port $PORT", ["worker"] = "python worker.py" }, types);
    }

    [Theory]
    [InlineData("web: a\nWeb: b\n", "Procfile line 2 declares an invalid process type: 'Web' is not a valid process type")]
    [InlineData("web: a\n9lives: b\n", "Procfile line 2 declares an invalid process type: '9lives'")]
    [InlineData("web: a\nthis is not a process\n", "Procfile line 2 is not 'type: command': this is not a process")]
    [InlineData("web: a\nweb: b\n", "Procfile line 2 declares 'web' a second time")]
    [InlineData("web:\n", "Procfile line 1 is not 'type: command'")]
    public void Names_the_line_that_breaks_the_rule(string text, string expected)
    {
        var (types, error) = Procfile.Parse(text);
        Assert.Null(types);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }
}
