using System.Diagnostics;
using System.Text;
using Xunit;

namespace Paas.Testing;

/// <summary>
/// Runs a shell command on a terminal of its own, as a person at a terminal would run it: util-linux <c>script</c> makes a
/// pseudo-terminal, runs the command on it and relays. The command first prints its terminal's name (<c>tty</c>), so the
/// test can resize that terminal later (<c>stty -F</c>; the kernel then sends SIGWINCH to the command); what the test
/// writes goes in as keystrokes; everything shown is collected in <see cref="Output"/>.
/// </summary>
public sealed class TerminalSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _reading;

    private TerminalSession(Process process)
    {
        _process = process;
        _reading = ReadAsync();
    }

    /// <summary>Everything the terminal showed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The terminal's name (<c>/dev/pts/N</c>), once the command has printed it.</summary>
    public string? Name { get; private set; }

    /// <summary>Starts <paramref name="command"/> (sh syntax) on a new terminal of <paramref name="columns"/> x <paramref name="rows"/>.</summary>
    public static async Task<TerminalSession> StartAsync(string command, int columns, int rows, string workingDirectory, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var wrapped = $"tty; stty cols {columns} rows {rows}; {command}";
        var process = Process.Start(ChildProcess.StartInfo("script", ["-qefc", wrapped, "/dev/null"], workingDirectory, new Dictionary<string, string?>(environment) { ["SHELL"] = "/bin/sh" }))!;
        var session = new TerminalSession(process);
        await session.WaitForAsync("/dev/pts/", TimeSpan.FromSeconds(20), cancellationToken);
        session.Name = session.Output.Split('\n')[0].Trim();
        return session;
    }

    /// <summary>Waits until the output holds <paramref name="text"/>.</summary>
    public async Task WaitForAsync(string text, TimeSpan limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(watch.Elapsed < limit && !_reading.IsCompleted, $"no {text} on the terminal within {limit.TotalSeconds:0} s; it showed:\n{Output}");
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Types <paramref name="keys"/> (Enter is <c>\r</c>, as a terminal sends it).</summary>
    public async Task TypeAsync(string keys)
    {
        await _process.StandardInput.WriteAsync(keys);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Resizes the terminal, as a terminal emulator does when its window changes.</summary>
    public async Task ResizeAsync(int columns, int rows, CancellationToken cancellationToken)
    {
        var (code, _, error) = await ChildProcess.RunAsync("stty", ["-F", Name!, "cols", columns.ToString(System.Globalization.CultureInfo.InvariantCulture), "rows", rows.ToString(System.Globalization.CultureInfo.InvariantCulture)], "/", new Dictionary<string, string?>(), cancellationToken);
        Assert.True(code == 0, error);
    }

    /// <summary>Waits for the command to end; its exit code (<c>script -e</c> passes it on).</summary>
    public async Task<int> ExitCodeAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(limit, cancellationToken);
        await _reading;
        return _process.ExitCode;
    }

    /// <summary>Kills the command and <c>script</c> if they still run.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_output)
            {
                _output.Append(buffer, 0, read);
            }
        }
    }
}
