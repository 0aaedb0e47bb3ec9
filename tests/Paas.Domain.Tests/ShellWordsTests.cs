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

    /// <summary>What <c>paas config --shell</c> and <c>config:pull</c> write, <c>config:push</c> reads back unchanged.</summary>
    [Fact]
    public void Assignments_read_back_every_quoted_value()
    {
        string[] words =
        [
            "plain", "", " ", "a b", "it's", "''", "\"$HOME\"", "`date`", "$(id)", "a&b;c|d", "back\\slash\\", "tab\there",
            "multi\nline\n", "{\"json\": [1, 2]}", "*", "~", "#not a comment", "!", "ünïcode ✓", "-n", "x=y",
        ];
        var text = string.Concat(words.Select((w, i) => $"V{i}={ShellWords.Quote(w)}\n"));

        var read = ShellWords.ReadAssignments(text);

        Assert.Equal(words.Select((w, i) => new KeyValuePair<string, string>($"V{i}", w)), read);
    }

    /// <summary>A hand-written .env: the reader and /bin/sh agree on every value.</summary>
    [Fact]
    public async Task Assignments_read_as_sh_assigns_them()
    {
        const string Env = """
            # a comment, then a blank line

            PLAIN=hello
            export EXPORTED=yes
              INDENTED=x   # a trailing comment
            EMPTY=
            SINGLE='a $b `c` \d'
            DOUBLE="say \"hi\" for \$5, a \\ and a \q"
            MIXED=one' two '"three"\ four
            ESCAPED=a\ b\$c
            CONTINUED="first \
            second"
            MULTI='line 1
            line 2'
            URL=postgres://u:p@db:5432/x?sslmode=require
            PLAIN=again
            """;
        var names = new[] { "PLAIN", "EXPORTED", "INDENTED", "EMPTY", "SINGLE", "DOUBLE", "MIXED", "ESCAPED", "CONTINUED", "MULTI", "URL" };
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, Env, TestContext.Current.CancellationToken);
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(". \"$0\" && printf '%s\\0' " + string.Join(' ', names.Select(n => "\"$" + n + "\"")));
        info.ArgumentList.Add(file);
        using var sh = Process.Start(info)!;
        var output = await sh.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await sh.WaitForExitAsync(TestContext.Current.CancellationToken);
        File.Delete(file);

        var read = ShellWords.ReadAssignments(Env);

        Assert.Equal(0, sh.ExitCode);
        Assert.Equal(names, read.Select(p => p.Key));
        Assert.Equal(output.Split('\0')[..^1], read.Select(p => p.Value));
        Assert.Equal("again", read[0].Value);
        Assert.Equal("one two three four", read.Single(p => p.Key == "MIXED").Value);
    }

    [Fact]
    public void Assignments_accept_crlf_line_ends()
    {
        Assert.Equal([new("A", "1"), new("B", "two\nlines")], ShellWords.ReadAssignments("A=1\r\nB='two\r\nlines'\r\n"));
    }

    [Theory]
    [InlineData("A=1\nnot an assignment\n", "line 2: expected NAME=value")]
    [InlineData("1A=x", "line 1: expected NAME=value")]
    [InlineData("A-B=x", "line 1: expected NAME=value")]
    [InlineData("A=1\nB='open\n\nC=3\n", "line 2: the ' opened on this line is never closed")]
    [InlineData("B=\"open", "line 1: the \" opened on this line is never closed")]
    [InlineData("HOME_DIR=$HOME", "line 1: an unquoted $ would be expanded by sh")]
    [InlineData("NOW=`date`", "line 1: an unquoted ` would be expanded by sh")]
    [InlineData("A=1\nGREETING=\"hi $USER\"", "line 2: a $ in double quotes would be expanded by sh")]
    [InlineData("A=x;rm", "line 1: an unquoted ; means something else to sh")]
    [InlineData("A=1 B=2", "line 1: more than one word after A=")]
    [InlineData("A=hello world", "line 1: more than one word after A=")]
    public void Assignments_sh_would_read_otherwise_are_refused_with_their_line(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => ShellWords.ReadAssignments(text));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}
