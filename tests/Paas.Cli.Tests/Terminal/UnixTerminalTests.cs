using Paas.Cli.Terminal;
using Paas.Client;

namespace Paas.Cli.Tests.Terminal;

/// <summary>The real terminal code on a real (pseudo-)terminal: detection, size, raw mode and its exact restore (Linux, as CI).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnixTerminalTests
{
    private const uint Signals = 0x1; // ISIG
    private const uint Canonical = 0x2; // ICANON
    private const uint Echo = 0x8; // ECHO

    [Fact]
    public void A_pseudo_terminal_is_interactive_and_reports_its_window_size()
    {
        using var pty = new PseudoTerminalPair();
        var terminal = new UnixTerminal(pty.SlaveFd, pty.SlaveFd);

        Assert.True(terminal.IsInteractive);
        Assert.Null(terminal.Size); // a fresh pseudo-terminal is 0 x 0: the platform's default then
        pty.SetWindowSize(132, 43);
        Assert.Equal(new TerminalSize(132, 43), terminal.Size);
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        Assert.False(new UnixTerminal(pty.SlaveFd, output: NoTerminal(devNull)).IsInteractive); // output redirected
    }

    [Fact]
    public void Raw_mode_turns_off_echo_line_editing_and_signals_and_dispose_restores_the_exact_settings()
    {
        using var pty = new PseudoTerminalPair();
        var terminal = new UnixTerminal(pty.SlaveFd, pty.SlaveFd);
        var before = pty.Settings();
        Assert.Equal(Signals | Canonical | Echo, pty.LocalFlags() & (Signals | Canonical | Echo));

        var raw = terminal.EnterRawMode();
        Assert.Equal(0u, pty.LocalFlags() & (Signals | Canonical | Echo));
        raw.Dispose();
        Assert.Equal(before, pty.Settings());

        pty.SetWindowSize(80, 24);
        raw.Dispose(); // twice: nothing more
        Assert.Equal(before, pty.Settings());
    }

    [Fact]
    public void A_descriptor_that_is_no_terminal_cannot_go_raw()
    {
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        var terminal = new UnixTerminal(input: NoTerminal(devNull), output: NoTerminal(devNull));

        Assert.False(terminal.IsInteractive);
        Assert.Null(terminal.Size);
        Assert.Throws<IOException>(terminal.EnterRawMode);
    }

    /// <summary>
    /// An open descriptor that is no terminal (/dev/null). A fixed number such as 99 is not: tests running in parallel open
    /// pseudo-terminals, and one of them may be descriptor 99 at that moment.
    /// </summary>
    private static int NoTerminal(Microsoft.Win32.SafeHandles.SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}
