namespace Paas.Client;

/// <summary>
/// The size of the caller's terminal in character cells, as <c>TIOCGWINSZ</c> reports it (<c>{"width": 120, "height": 40}</c>).
/// Both are 1 to 65535: the range of the kernel's <c>struct winsize</c> and of Kubernetes' <c>remotecommand.TerminalSize</c>.
/// </summary>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
public sealed record TerminalSize(int Width, int Height)
{
    /// <summary>The size a terminal is given when the caller did not say: 80 x 24, the VT100's.</summary>
    public static TerminalSize Default { get; } = new(80, 24);

    /// <summary>Whether both values are within 1 to 65535.</summary>
    public bool IsValid => Width is >= 1 and <= ushort.MaxValue && Height is >= 1 and <= ushort.MaxValue;

    /// <inheritdoc/>
    public override string ToString() => $"{Width}x{Height}";
}
