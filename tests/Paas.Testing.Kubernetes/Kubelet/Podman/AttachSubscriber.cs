using System.Buffers;
using System.IO.Pipelines;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>One attachment's view of the process output: a pipe per requested stream, fed from the moment it attached.</summary>
internal sealed class AttachSubscriber
{
    private static readonly PipeOptions Unbounded = new(pauseWriterThreshold: 0, resumeWriterThreshold: 0);
    private readonly Lock _gate = new();
    private readonly Stream? _stdoutStream;
    private readonly Stream? _stderrStream;
    private Pipe? _stdout;
    private Pipe? _stderr;
    private bool _completed;

    public AttachSubscriber(bool stdout, bool stderr)
    {
        _stdout = stdout ? new Pipe(Unbounded) : null;
        _stderr = stderr ? new Pipe(Unbounded) : null;
        _stdoutStream = _stdout?.Reader.AsStream();
        _stderrStream = _stderr?.Reader.AsStream();
    }

    public Stream? Stdout => _stdoutStream;

    public Stream? Stderr => _stderrStream;

    /// <summary>Copies what the process wrote (with a TTY, stderr is merged into stdout by the runtime).</summary>
    public void Deliver(bool isStderr, ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            var pipe = isStderr ? _stderr : _stdout;
            if (_completed || pipe is null)
            {
                return;
            }

            pipe.Writer.Write(bytes);
            var flush = pipe.Writer.FlushAsync();
            if (!flush.IsCompleted)
            {
                _ = flush.AsTask();
            }
            else if (flush.GetAwaiter().GetResult().IsCompleted)
            {
                // The client disposed this stream: stop buffering for it.
                pipe.Writer.Complete();
                if (isStderr)
                {
                    _stderr = null;
                }
                else
                {
                    _stdout = null;
                }
            }
        }
    }

    /// <summary>Ends both streams (the process exited, or the client detached).</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _stdout?.Writer.Complete();
            _stderr?.Writer.Complete();
        }
    }
}
