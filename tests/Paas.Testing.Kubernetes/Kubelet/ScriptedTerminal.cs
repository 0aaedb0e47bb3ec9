namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>
/// The TTY of a <see cref="ScriptedFakeKubelet"/> container as a <see cref="ContainerScript.Terminal"/> handler sees it.
/// The size belongs to the container (it outlives an attach), as a real container's terminal does.
/// </summary>
public sealed class ScriptedTerminal
{
    private readonly ScriptedPod _pod;

    internal ScriptedTerminal(ScriptedPod pod, TextReader input, TextWriter output)
    {
        _pod = pod;
        Input = input;
        Output = new OnlcrWriter(output);
    }

    /// <summary>What the client types (channel 0), as sent: no echo, no line editing.</summary>
    public TextReader Input { get; }

    /// <summary>What the terminal shows (channel 1 of every TTY attach, and the container's log); <c>\n</c> is written as <c>\r\n</c>.</summary>
    public TextWriter Output { get; }

    /// <summary>The terminal's size now: 0 x 0 until a client set one.</summary>
    public FakeTerminalSize Size => _pod.TerminalSize;

    /// <summary>Waits until the size differs from <paramref name="than"/> and returns it (a resize that changes nothing is not seen, as SIGWINCH is not sent then).</summary>
    /// <param name="than">The size the caller knows.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new size.</returns>
    public Task<FakeTerminalSize> SizeOtherThanAsync(FakeTerminalSize than, CancellationToken cancellationToken) => _pod.SizeOtherThanAsync(than, cancellationToken);

    private sealed class OnlcrWriter(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                inner.Write('\r');
            }

            inner.Write(value);
        }

        public override void Write(string? value) => inner.Write(value?.Replace("\n", "\r\n", StringComparison.Ordinal));

        public override Task WriteAsync(string? value) => inner.WriteAsync(value?.Replace("\n", "\r\n", StringComparison.Ordinal));

        public override Task WriteLineAsync(string? value) => WriteAsync(value + "\n");

        public override void Flush() => inner.Flush();

        public override Task FlushAsync() => inner.FlushAsync();
    }
}
