using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace Paas.Scheduling.Logs;

/// <summary>
/// The log store on disk: one text file per app in the Heroku line format, rotated once it reaches half of
/// <see cref="MaxBytesPerApp"/> (one previous generation is kept, so an app never holds more than that on disk), plus an
/// in-memory ring of the last 1500 lines per app for tails and live followers.
/// <code>
/// DIR/
///   hello.log      current lines, appended and flushed line by line
///   hello.log.1    the previous generation
/// </code>
/// </summary>
public sealed class FileLogStore : IAppLogStore, IDisposable
{
    private readonly string _directory;
    private readonly Dictionary<string, AppLog> _apps = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates the store.</summary>
    /// <param name="directory">The folder of the log files (<c>DATA_DIR/logs</c>); created when missing.</param>
    /// <param name="maxBytesPerApp">The most bytes an app's logs take on disk (default 10 MB).</param>
    public FileLogStore(string directory, long maxBytesPerApp = 10 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytesPerApp, 4096);
        _directory = directory;
        MaxBytesPerApp = maxBytesPerApp;
        Directory.CreateDirectory(directory);
    }

    /// <summary>The most bytes one app's logs take on disk, both generations together.</summary>
    public long MaxBytesPerApp { get; }

    /// <inheritdoc />
    public void Write(string app, string source, string message)
    {
        var line = new LogLine(DateTimeOffset.UtcNow, source, message.TrimEnd('\n', '\r'));
        var log = Get(app);
        lock (log.Gate)
        {
            log.Append(line, MaxBytesPerApp / 2);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<LogLine> Tail(string app, int lines, string? process = null)
    {
        var log = Get(app);
        lock (log.Gate)
        {
            return log.Tail(lines, process);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LogLine> FollowAsync(string app, int lines, string? process, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var log = Get(app);
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        IReadOnlyList<LogLine> past;
        lock (log.Gate)
        {
            past = log.Tail(lines, process);
            log.Followers.Add(channel.Writer);
        }

        try
        {
            foreach (var line in past)
            {
                yield return line;
            }

            while (true)
            {
                LogLine next;
                try
                {
                    if (!await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        yield break;
                    }

                    if (!channel.Reader.TryRead(out next!))
                    {
                        continue;
                    }
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                if (next.Matches(process))
                {
                    yield return next;
                }
            }
        }
        finally
        {
            lock (log.Gate)
            {
                log.Followers.Remove(channel.Writer);
            }
        }
    }

    /// <inheritdoc />
    public void Delete(string app)
    {
        AppLog? log;
        lock (_gate)
        {
            _apps.Remove(app, out log);
        }

        if (log is not null)
        {
            lock (log.Gate)
            {
                log.Close();
            }
        }

        File.Delete(PathOf(app));
        File.Delete(PathOf(app) + ".1");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var log in _apps.Values)
            {
                lock (log.Gate)
                {
                    log.Close();
                }
            }

            _apps.Clear();
        }
    }

    private AppLog Get(string app)
    {
        if (app.Length == 0 || app.Contains('/', StringComparison.Ordinal) || app.Contains('\\', StringComparison.Ordinal) || app.StartsWith('.'))
        {
            throw new ArgumentException($"'{app}' is not an app name", nameof(app));
        }

        lock (_gate)
        {
            if (!_apps.TryGetValue(app, out var log))
            {
                log = new AppLog(PathOf(app));
                _apps[app] = log;
            }

            return log;
        }
    }

    private string PathOf(string app) => Path.Combine(_directory, app + ".log");

    private sealed class AppLog
    {
        private const int RingSize = 1500;
        private readonly string _path;
        private readonly Queue<LogLine> _ring = new(RingSize);
        private FileStream? _file;

        public AppLog(string path)
        {
            _path = path;
            foreach (var file in new[] { path + ".1", path })
            {
                if (!File.Exists(file))
                {
                    continue;
                }

                foreach (var text in File.ReadLines(file))
                {
                    if (LogLine.TryParse(text, out var line))
                    {
                        Remember(line);
                    }
                }
            }
        }

        public Lock Gate { get; } = new();

        public List<ChannelWriter<LogLine>> Followers { get; } = [];

        public void Append(LogLine line, long rotateAt)
        {
            Remember(line);
            _file ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            _file.Write(bytes);
            _file.Flush();
            if (_file.Length >= rotateAt)
            {
                _file.Dispose();
                _file = null;
                File.Move(_path, _path + ".1", overwrite: true);
            }

            foreach (var follower in Followers)
            {
                follower.TryWrite(line);
            }
        }

        public IReadOnlyList<LogLine> Tail(int lines, string? process)
        {
            var wanted = Math.Clamp(lines, 0, RingSize);
            var matching = _ring.Where(l => l.Matches(process)).ToList();
            return matching.Skip(Math.Max(0, matching.Count - wanted)).ToList();
        }

        public void Close()
        {
            _file?.Dispose();
            _file = null;
            foreach (var follower in Followers)
            {
                follower.TryComplete();
            }
        }

        private void Remember(LogLine line)
        {
            if (_ring.Count == RingSize)
            {
                _ring.Dequeue();
            }

            _ring.Enqueue(line);
        }
    }
}
