namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// The log of one run of a container, in memory: lines in arrival order from stdout and stderr, bounded by
/// <c>maxBytes</c> (the oldest lines are dropped). Followers wait on <see cref="Snapshot"/>'s task for more.
/// </summary>
internal sealed class RunLog(long maxBytes)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<LogLine> _lines = new();
    private long _firstSequence;
    private long _bytes;
    private bool _ended;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Append(LogLine line)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _lines.AddLast(line);
            _bytes += line.Content.Length;
            while (_bytes > maxBytes && _lines.First is { } first)
            {
                _bytes -= first.Value.Content.Length;
                _lines.RemoveFirst();
                _firstSequence++;
            }

            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Forgets every line (a run that never started: what was read is podman's own error, not the process's log).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _firstSequence += _lines.Count;
            _lines.Clear();
            _bytes = 0;
        }
    }

    /// <summary>The last line as text, without its newline, or null.</summary>
    public string? LastLine()
    {
        lock (_gate)
        {
            return _lines.Last is { } last ? System.Text.Encoding.UTF8.GetString(last.Value.Content).TrimEnd('\n', '\r') : null;
        }
    }

    /// <summary>No more lines will come (the run ended).</summary>
    public void End()
    {
        lock (_gate)
        {
            _ended = true;
        }

        _changed.TrySetResult();
    }

    public bool Ended
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    /// <summary>The lines from sequence number <paramref name="from"/> on, the next sequence number, whether the log ended, and a task that completes on the next change.</summary>
    public (List<LogLine> Lines, long Next, bool Ended, Task Changed) Snapshot(long from)
    {
        lock (_gate)
        {
            var skip = Math.Max(0, from - _firstSequence);
            var lines = _lines.Skip((int)Math.Min(skip, int.MaxValue)).ToList();
            return (lines, _firstSequence + _lines.Count, _ended, _changed.Task);
        }
    }
}
