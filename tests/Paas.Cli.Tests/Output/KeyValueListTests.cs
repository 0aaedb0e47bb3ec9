using Paas.Cli.Output;

namespace Paas.Cli.Tests.Output;

public sealed class KeyValueListTests
{
    [Fact]
    public void Aligns_values_like_heroku_config()
    {
        var text = KeyValueList.Heading("hello Config Vars") + KeyValueList.Format(
        [
            new("A", "1"),
            new("GREETING", "hello world"),
        ]);

        Assert.Equal("=== hello Config Vars\nA:        1\nGREETING: hello world\n", text);
    }

    [Fact]
    public void Nothing_to_list_prints_nothing()
    {
        Assert.Equal("", KeyValueList.Format([]));
    }
}
