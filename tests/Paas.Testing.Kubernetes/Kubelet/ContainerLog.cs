using System.Globalization;
using System.Text;

namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>One run's log: timestamped lines, with waiters for <c>follow</c>.</summary>
public sealed class ContainerLog
{
    private readonly List<(DateTimeOffset At, string Line)> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the run ended (follow stops).</summary>
    public bool Ended { get; private set; }

    /// <summary>Appends a line (without its newline).</summary>
    public void Append(string line)
    {
        lock (_lines)
        {
            _lines.Add((DateTimeOffset.UtcNow, line));
            Signal();
        }
    }

    /// <summary>Marks the run ended.</summary>
    public void End()
    {
        lock (_lines)
        {
            Ended = true;
            Signal();
        }
    }

    /// <summary>Writes the log as pods/log serves it.</summary>
    public async Task WriteAsync(FakeLogOptions options, Stream output, CancellationToken ct)
    {
        List<(DateTimeOffset At, string Line)> snapshot;
        Task changed;
        lock (_lines)
        {
            snapshot = [.. _lines];
            changed = _changed.Task;
        }

        var start = options.TailLines is { } tail ? Math.Max(0, snapshot.Count - tail) : 0;
        if (options.SinceTime is { } since)
        {
            start = Math.Max(start, snapshot.FindIndex(l => l.At >= since) is var i && i >= 0 ? i : snapshot.Count);
        }

        long written = 0;
        var next = start;
        while (true)
        {
            for (; next < snapshot.Count; next++)
            {
                var (at, line) = snapshot[next];
                var text = (options.Timestamps ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture) + " " : string.Empty) + line + "\n";
                var bytes = Encoding.UTF8.GetBytes(text);
                if (options.LimitBytes is { } limit && written + bytes.Length > limit)
                {
                    await output.WriteAsync(bytes.AsMemory(0, (int)(limit - written)), ct).ConfigureAwait(false);
                    return;
                }

                await output.WriteAsync(bytes, ct).ConfigureAwait(false);
                written += bytes.Length;
            }

            await output.FlushAsync(ct).ConfigureAwait(false);
            if (!options.Follow)
            {
                return;
            }

            lock (_lines)
            {
                if (Ended && next >= _lines.Count)
                {
                    return;
                }
            }

            try
            {
                await changed.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_lines)
            {
                snapshot = [.. _lines];
                changed = _changed.Task;
            }
        }
    }

    private void Signal()
    {
        var old = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }
}
