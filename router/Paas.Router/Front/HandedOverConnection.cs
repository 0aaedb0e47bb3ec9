using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Paas.Router.Front;

/// <summary>
/// A connection the fast path hands to Kestrel after reading some of its bytes: the socket transport's connection
/// with those bytes (<c>prefix</c>) in front of its input, so Kestrel parses the request from its first byte.
/// Everything else is the inner connection's.
/// </summary>
internal sealed class HandedOverConnection : ConnectionContext
{
    private readonly ConnectionContext _inner;

    public HandedOverConnection(ConnectionContext inner, ReadOnlySpan<byte> prefix)
    {
        _inner = inner;
        Transport = prefix.IsEmpty
            ? inner.Transport
            : new DuplexPipe(new PrefixedPipeReader(prefix.ToArray(), inner.Transport.Input), inner.Transport.Output);
    }

    public override string ConnectionId
    {
        get => _inner.ConnectionId;
        set => _inner.ConnectionId = value;
    }

    public override IFeatureCollection Features => _inner.Features;

    public override IDictionary<object, object?> Items
    {
        get => _inner.Items;
        set => _inner.Items = value;
    }

    public override IDuplexPipe Transport { get; set; }

    public override CancellationToken ConnectionClosed
    {
        get => _inner.ConnectionClosed;
        set => _inner.ConnectionClosed = value;
    }

    public override EndPoint? LocalEndPoint
    {
        get => _inner.LocalEndPoint;
        set => _inner.LocalEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _inner.RemoteEndPoint;
        set => _inner.RemoteEndPoint = value;
    }

    public override void Abort(ConnectionAbortedException abortReason) => _inner.Abort(abortReason);

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Serves the prefix (one array) until it is consumed, then passes through. When the reader examined the whole
    /// prefix without consuming it and asks for more, the next bytes from the socket are appended to the prefix so it
    /// sees one contiguous buffer.
    /// </summary>
    private sealed class PrefixedPipeReader(byte[] prefix, PipeReader inner) : PipeReader
    {
        private byte[]? _prefix = prefix;
        private int _consumed;
        private int _length = prefix.Length;
        private bool _examinedAll;
        private bool _innerCompleted;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            if (_prefix is null)
            {
                return await inner.ReadAsync(cancellationToken);
            }

            if (_examinedAll && !_innerCompleted)
            {
                var result = await inner.ReadAsync(cancellationToken);
                if (result.IsCanceled)
                {
                    inner.AdvanceTo(result.Buffer.Start);
                    return new ReadResult(Current, isCanceled: true, isCompleted: false);
                }

                Append(result.Buffer);
                _innerCompleted = result.IsCompleted;
                inner.AdvanceTo(result.Buffer.End);
            }

            return new ReadResult(Current, isCanceled: false, isCompleted: _innerCompleted);
        }

        public override bool TryRead(out ReadResult result)
        {
            if (_prefix is null)
            {
                return inner.TryRead(out result);
            }

            if (_examinedAll && !_innerCompleted)
            {
                if (!inner.TryRead(out var more))
                {
                    result = default;
                    return false;
                }

                Append(more.Buffer);
                _innerCompleted = more.IsCompleted;
                inner.AdvanceTo(more.Buffer.End);
            }

            result = new ReadResult(Current, isCanceled: false, isCompleted: _innerCompleted);
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (_prefix is null)
            {
                inner.AdvanceTo(consumed, examined);
                return;
            }

            _consumed = consumed.GetInteger();
            _examinedAll = examined.GetInteger() >= _length;
            if (_consumed >= _length)
            {
                _prefix = null;
            }
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        private ReadOnlySequence<byte> Current => new(_prefix!, _consumed, _length - _consumed);

        private void Append(ReadOnlySequence<byte> more)
        {
            var needed = _length + (int)more.Length;
            if (needed > _prefix!.Length)
            {
                Array.Resize(ref _prefix, Math.Max(needed, _prefix.Length * 2));
            }

            more.CopyTo(_prefix.AsSpan(_length));
            _length = needed;
        }
    }
}
