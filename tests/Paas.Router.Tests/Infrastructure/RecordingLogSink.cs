using System.Collections.Concurrent;
using Paas.Router.Logging;

namespace Paas.Router.Tests.Infrastructure;

/// <summary>Keeps every router line for assertions.</summary>
public sealed class RecordingLogSink : IRouterLogSink
{
    public ConcurrentQueue<(string App, string Line)> Lines { get; } = new();

    public void Write(string app, string line) => Lines.Enqueue((app, line));

    public string[] For(string app) => Lines.Where(l => l.App == app).Select(l => l.Line).ToArray();
}
