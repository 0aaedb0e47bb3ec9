using Paas.Cli.Output;

namespace Paas.Cli.Tests.Output;

public sealed class TextTableTests
{
    [Fact]
    public void Aligns_columns_with_two_spaces_and_leaves_no_trailing_spaces()
    {
        var text = TextTable.Format(
        [
            ["v10", "alice added GREETING", "alice"],
            ["v9", "bob deployed 1a2b3c4", "bob"],
            ["v1", "", ""],
        ]);

        Assert.Equal(
            "v10  alice added GREETING  alice\n"
            + "v9   bob deployed 1a2b3c4  bob\n"
            + "v1\n",
            text);
    }

    [Fact]
    public void An_empty_table_prints_nothing()
    {
        Assert.Equal("", TextTable.Format([]));
    }
}
