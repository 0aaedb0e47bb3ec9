using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Paas.Router.Tests.Infrastructure;

/// <summary>Keeps every log entry of a host (category, level, message, exception) for assertions.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The router's own entries (categories <c>Paas.*</c> and YARP's) and every warning or worse (Kestrel, hosting), one per line with their exceptions, for assertion messages.</summary>
    public string Dump() => string.Join('\n', Entries
        .Where(e => e.Category.StartsWith("Paas", StringComparison.Ordinal) || e.Category.StartsWith("Yarp", StringComparison.Ordinal)
            || e.Category.StartsWith("Microsoft.Hosting.Lifetime", StringComparison.Ordinal) || e.Level >= LogLevel.Warning)
        .Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}"));

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((category, logLevel, formatter(state, exception), exception));
    }
}
