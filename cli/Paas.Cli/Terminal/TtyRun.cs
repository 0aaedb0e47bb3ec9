using System.Threading.Channels;
using Paas.Client;

namespace Paas.Cli.Terminal;

/// <summary>
/// What <c>paas run</c> does about a TTY, as <c>heroku run</c> does: it asks for one only when its own standard input and
/// output are terminals (so <c>echo x | paas run ...</c> and <c>paas run ... &gt; file</c> get plain pipes) and neither
/// <c>--no-tty</c> nor <c>--no-stdin</c> is given; it puts its terminal in raw mode only once the platform says the process
/// got one (the start message), sends the window's new sizes while it runs, and restores the terminal when disposed
/// (every way out of the command disposes it: the end, an error, an interruption; signals that end the process restore
/// it too, see <see cref="ITerminal.EnterRawMode"/>). A platform that cannot give one says why, and that goes to stderr.
/// </summary>
internal sealed class TtyRun(ITerminal terminal, TextWriter error) : IDisposable
{
    private readonly Channel<TerminalSize> _resizes = Channel.CreateBounded<TerminalSize>(new BoundedChannelOptions(4)
    {
        FullMode = BoundedChannelFullMode.DropOldest, // only the latest size matters
        SingleReader = true,
    });

    private IDisposable? _rawMode;
    private IDisposable? _watch;

    /// <summary>Whether the process got a terminal and this one is in raw mode.</summary>
    public bool Granted { get; private set; }

    /// <summary>The window's sizes after the start, for <see cref="RunAttachOptions.Resizes"/>.</summary>
    public ChannelReader<TerminalSize> Resizes => _resizes.Reader;

    /// <summary>Whether to ask for a TTY.</summary>
    /// <param name="terminal">The terminal paas runs in.</param>
    /// <param name="noTty"><c>--no-tty</c>.</param>
    /// <param name="noStdin"><c>--no-stdin</c> (nothing to type: no TTY either).</param>
    /// <returns>True when standard input and output are terminals and nothing says no.</returns>
    public static bool Wanted(ITerminal terminal, bool noTty, bool noStdin) => !noTty && !noStdin && terminal.IsInteractive;

    /// <summary>The request with the TTY asked for: this terminal's size (null when it has none: the platform's 80 x 24) and type.</summary>
    /// <param name="request">The request.</param>
    /// <param name="term">The <c>TERM</c> variable, sent only when it is a plain name (else the platform's default).</param>
    /// <returns>The request to send.</returns>
    public RunCreateRequest Ask(RunCreateRequest request, string? term) => request with
    {
        Tty = true,
        TerminalSize = terminal.Size,
        Term = term is { Length: > 0 and <= 64 } && term.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-' or '_') ? term : null,
    };

    /// <summary>The start message came: raw mode and the size watch when the process got a terminal, else the platform's notice.</summary>
    /// <param name="start">The start message.</param>
    /// <returns>A task that completes when the terminal is set.</returns>
    public async ValueTask StartedAsync(RunEvent start)
    {
        if (start.Tty != true)
        {
            if (start.Notice is { } notice)
            {
                await error.WriteLineAsync("paas: " + notice);
                await error.FlushAsync();
            }

            return;
        }

        try
        {
            _rawMode = terminal.EnterRawMode();
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"paas: {e.Message}; what you type shows twice");
            await error.FlushAsync();
        }

        _watch = terminal.WatchSize(() =>
        {
            if (terminal.Size is { } size)
            {
                _resizes.Writer.TryWrite(size);
            }
        });
        Granted = true;
    }

    /// <summary>Stops the size watch and restores the terminal; harmless when nothing was changed or when called twice.</summary>
    public void Dispose()
    {
        _watch?.Dispose();
        _rawMode?.Dispose();
        _resizes.Writer.TryComplete();
    }
}
