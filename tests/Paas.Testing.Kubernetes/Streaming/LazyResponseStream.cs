using Microsoft.AspNetCore.Http;
using Paas.Testing.Kubernetes.Api;

namespace Paas.Testing.Kubernetes.Streaming;

/// <summary>The log response body: sends 200 <c>text/plain</c> (chunked, no Priority and Fairness headers) at the first write, so a kubelet refusal before any output can still answer 400.</summary>
/// <param name="ctx">The request.</param>
public sealed class LazyResponseStream(HttpContext ctx) : Stream
{
    /// <summary>Whether the 200 was sent.</summary>
    public bool Started { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Sends the headers if not yet sent.</summary>
    public async Task StartAsync()
    {
        if (Started)
        {
            return;
        }

        Started = true;
        ctx.Response.StatusCode = 200;
        ResponseWriter.Headers(ctx, "text/plain", priorityAndFairness: false);
        await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    public override void Flush()
    {
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Started)
        {
            await ctx.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await StartAsync().ConfigureAwait(false);
        await ctx.Response.Body.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
