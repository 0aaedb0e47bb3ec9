using System.Threading.Channels;

namespace Paas.Scheduling;

/// <summary>
/// The pseudo-terminal of a one-off run (<c>paas run</c> from a terminal, see <see cref="RunRequest.Terminal"/>): its size
/// at start and the sizes the caller's window takes while the process runs. The caller writes sizes with
/// <see cref="Resize"/>; the scheduler reads <see cref="Resizes"/> and applies each to the process's terminal, which sends
/// the process SIGWINCH. Only the latest sizes matter: when the scheduler lags, older ones are dropped.
/// </summary>
public sealed class RunTerminal
{
    /// <summary>The <c>TERM</c> of a caller that did not say: <c>xterm</c>.</summary>
    public const string DefaultType = "xterm";

    private readonly Channel<WindowSize> _resizes = Channel.CreateBounded<WindowSize>(new BoundedChannelOptions(8)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    /// <summary>A terminal of the given size and type.</summary>
    /// <param name="size">The size at start.</param>
    /// <param name="type">The terminal type, the process's <c>TERM</c> (<c>xterm-256color</c>).</param>
    public RunTerminal(WindowSize size, string type = DefaultType)
    {
        Size = size;
        Type = type;
    }

    /// <summary>The size the terminal has when the process starts.</summary>
    public WindowSize Size { get; }

    /// <summary>The terminal type the process gets as <c>TERM</c>.</summary>
    public string Type { get; }

    /// <summary>The sizes set after the start, in order; completes with <see cref="Complete"/>.</summary>
    public ChannelReader<WindowSize> Resizes => _resizes.Reader;

    /// <summary>Records a new size for the scheduler to apply (never blocks).</summary>
    /// <param name="size">The new size.</param>
    public void Resize(WindowSize size) => _resizes.Writer.TryWrite(size);

    /// <summary>No more sizes will come (the caller went away or the run ended).</summary>
    public void Complete() => _resizes.Writer.TryComplete();
}
