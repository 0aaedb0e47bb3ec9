namespace Paas.Scheduling;

/// <summary>
/// A terminal's size in character cells: the <c>ws_col</c> and <c>ws_row</c> of the kernel's <c>struct winsize</c>
/// (<c>TIOCSWINSZ</c>), and the <c>Width</c> and <c>Height</c> of Kubernetes' attach resize messages. 1 to 65535 each.
/// </summary>
/// <param name="Columns">Columns (width).</param>
/// <param name="Rows">Rows (height).</param>
public readonly record struct WindowSize(int Columns, int Rows)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Columns}x{Rows}";
}
