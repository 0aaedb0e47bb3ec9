using System.Diagnostics;
using Paas.Domain.Shell;
using Xunit;

namespace Paas.Domain.Tests;

public sealed class ShellWordsTests
{
    [Theory]
    [InlineData("hello", "hello")]
    [InlineData("/usr/bin/node", "/usr/bin/node")]
    [InlineData("postgres://u:p@db:5432/x?sslmode=require", "'postgres://u:p@db:5432/x?sslmode=require'")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("é", "'é'")]
    public void Quotes_only_what_sh_would_read_otherwise(string word, string quoted)
    {
        Assert.Equal(quoted, ShellWords.Quote(word));
    }

    /// <summary>The rule's point: /bin/sh reads each quoted word back as the same text.</summary>
    [Fact]
    public async Task Sh_reads_every_quoted_word_back_unchanged()
    {
        string[] words =
        [
            "plain", "", " ", "a b", "it's", "''", "\"$HOME\"", "`date`", "$(id)", "a&b;c|d", "back\\slash\\", "tab\there",
            "multi\nline\n", "{\"json\": [1, 2]}", "*", "~", "#not a comment", "!", "ünïcode ✓", "-n", "x=y",
        ];
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("for w in " + string.Join(' ', words.Select(ShellWords.Quote)) + "; do printf '%s\\0' \"$w\"; done");
        using var sh = Process.Start(info)!;
        var output = await sh.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await sh.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, sh.ExitCode);
        Assert.Equal(words, output.Split('\0')[..^1]);
    }
}
