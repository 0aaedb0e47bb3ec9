using System.Collections.Concurrent;
using Paas.Router.Logging;

namespace Paas.Router.Tests.Infrastructure;

/// <summary>Keeps every router line for assertions.</summary>
public sealed class RecordingLogSink : IRouterLogSink
{
    public ConcurrentQueue<(string App, string Line)> Lines { get; } = new();

    public void Write(string app, string line) => Lines.Enqueue((app, line));

    public string[] For(string app) => Lines.Where(l => l.App == app).Select(l => l.Line).ToArray();

    /// <summary>
    /// The app's lines once there are at least <paramref name="count"/>, waiting up to 5 s: the router writes a request's
    /// line after its answer has gone, so a client can read the answer before the line exists.
    /// </summary>
    public string[] WaitFor(string app, int count = 1) => WaitUntil(app, lines => lines.Length >= count);

    /// <summary>The app's lines once one matches <paramref name="match"/>, waiting up to 5 s (see <see cref="WaitFor(string, int)"/>).</summary>
    public string[] WaitFor(string app, Func<string, bool> match) => WaitUntil(app, lines => lines.Any(match));

    private string[] WaitUntil(string app, Func<string[], bool> done)
    {
        var deadline = Environment.TickCount64 + 5000;
        string[] lines;
        while (!done(lines = For(app)) && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }

        return lines;
    }
}
