using Paas.Cli.Terminal;
using Paas.Client;

namespace Paas.Cli.Tests.Terminal;

/// <summary>When <c>paas run</c> asks for a TTY, and what it does with its own terminal around the run.</summary>
public sealed class TtyRunTests
{
    [Theory]
    [InlineData(true, false, false, true)]
    [InlineData(false, false, false, false)] // stdin or stdout redirected: echo x | paas run ..., paas run ... > file
    [InlineData(true, true, false, false)] // --no-tty
    [InlineData(true, false, true, false)] // --no-stdin: nothing to type
    public void A_tty_is_wanted_only_from_a_terminal_and_when_nothing_says_no(bool interactive, bool noTty, bool noStdin, bool wanted)
    {
        Assert.Equal(wanted, TtyRun.Wanted(new FakeTerminal { IsInteractive = interactive }, noTty, noStdin));
    }

    [Fact]
    public void The_request_carries_the_size_and_a_plain_term()
    {
        var terminal = new FakeTerminal { Size = new TerminalSize(132, 43) };
        using var tty = new TtyRun(terminal, TextWriter.Null);

        Assert.Equal(new RunCreateRequest("bash", Tty: true, TerminalSize: new TerminalSize(132, 43), Term: "xterm-256color"), tty.Ask(new RunCreateRequest("bash"), "xterm-256color"));
        Assert.Null(tty.Ask(new RunCreateRequest("bash"), "xterm; rm -rf /").Term); // not a terminal name: the platform's default
        terminal.Size = null; // a terminal that reports 0 x 0
        Assert.Null(tty.Ask(new RunCreateRequest("bash"), null).TerminalSize);
    }

    [Fact]
    public async Task Raw_mode_starts_only_when_granted_resizes_are_sent_and_the_terminal_is_restored_once()
    {
        var terminal = new FakeTerminal();
        var tty = new TtyRun(terminal, TextWriter.Null);
        Assert.False(terminal.InRawMode);

        await tty.StartedAsync(new RunEvent(Tty: true));
        Assert.True(terminal.InRawMode);
        Assert.True(tty.Granted);
        terminal.Resize(new TerminalSize(100, 30));
        terminal.Resize(new TerminalSize(90, 20));
        tty.Dispose();
        tty.Dispose();

        Assert.Equal((1, 1), (terminal.RawEntered, terminal.Restored));
        Assert.Equal([new TerminalSize(100, 30), new TerminalSize(90, 20)], await tty.Resizes.ReadAllAsync().ToListAsync());
        terminal.Resize(new TerminalSize(80, 24)); // the watch is gone
        Assert.False(tty.Resizes.TryRead(out _));
    }

    [Fact]
    public async Task A_refused_tty_leaves_the_terminal_alone_and_says_why()
    {
        var terminal = new FakeTerminal();
        var error = new StringWriter();
        using var tty = new TtyRun(terminal, error);

        await tty.StartedAsync(new RunEvent(Tty: false, Notice: "the local scheduler gives one-off processes no terminal; running without one"));

        Assert.Equal(0, terminal.RawEntered);
        Assert.False(tty.Granted);
        Assert.Equal("paas: the local scheduler gives one-off processes no terminal; running without one\n", error.ToString());
    }

    [Fact]
    public async Task A_terminal_that_cannot_go_raw_is_reported_and_the_run_goes_on()
    {
        var error = new StringWriter();
        using var tty = new TtyRun(new FakeTerminal { FailRawMode = true }, error);

        await tty.StartedAsync(new RunEvent(Tty: true));

        Assert.True(tty.Granted);
        Assert.Equal("paas: cannot put the terminal in raw mode (errno 25); what you type shows twice\n", error.ToString());
    }
}
