using Paas.Cli.Terminal;
using Paas.Client;

namespace Paas.Cli.Tests.Terminal;

/// <summary>A terminal for tests: says whether it is one, has a size that a test changes (firing the watch), and counts raw-mode entries and restores.</summary>
internal sealed class FakeTerminal : ITerminal
{
    private readonly List<Action> _watchers = [];

    public bool IsInteractive { get; set; } = true;

    public TerminalSize? Size { get; set; } = new(120, 40);

    public int RawEntered { get; private set; }

    public int Restored { get; private set; }

    public bool InRawMode => RawEntered > Restored;

    public bool FailRawMode { get; set; }

    public IDisposable EnterRawMode()
    {
        if (FailRawMode)
        {
            throw new IOException("cannot put the terminal in raw mode (errno 25)");
        }

        RawEntered++;
        return new Once(() => Restored++);
    }

    public IDisposable WatchSize(Action changed)
    {
        _watchers.Add(changed);
        return new Once(() => _watchers.Remove(changed));
    }

    public Stream OpenInput() => new MemoryStream();

    /// <summary>The window changes size (SIGWINCH).</summary>
    public void Resize(TerminalSize size)
    {
        Size = size;
        foreach (var watcher in _watchers.ToList())
        {
            watcher();
        }
    }

    private sealed class Once(Action action) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (!_done)
            {
                _done = true;
                action();
            }
        }
    }
}
