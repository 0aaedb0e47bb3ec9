using System.Buffers;
using System.Net;

namespace Paas.Router.Forwarding;

/// <summary>
/// The request body as <see cref="HttpContent"/>: copied from the client to the backend chunk by chunk as it
/// arrives (never buffered whole), flushing each chunk, re-arming the idle timer on each.
/// Length is the client's <c>Content-Length</c> header when it sent one, else chunked.
/// </summary>
internal sealed class StreamCopyContent(Stream source, ForwardState state) : HttpContent
{
    private const int BufferSize = 64 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        state.RequestBodyStarted = true;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                state.Touch();
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    state.ClientBodyFailed = true;
                    throw;
                }

                if (read == 0)
                {
                    break;
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            state.RequestBodySent();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
