using System.Buffers;
using System.Diagnostics;
using System.Net;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Forwarding;

/// <summary>
/// 100 MB each way through the router with flat memory. Client, router and backend share this process, so the
/// bound is on the whole process: buffering a body anywhere would allocate at least its size.
/// </summary>
[Collection(MeasuredCollection.Name)]
public sealed class StreamingTests
{
    private const long BodySize = 100L * 1024 * 1024;
    private const long AllocationBound = 24L * 1024 * 1024;
    private const long WorkingSetBound = 64L * 1024 * 1024;

    [Fact]
    public async Task A_100_MB_upload_streams_without_buffering()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")])], []));
        using var client = router.CreateClient();
        (await client.GetAsync("http://alpha.paas.test/hello")).EnsureSuccessStatusCode();

        var (allocated, workingSet, response) = await MeasureAsync(async () =>
        {
            using var content = new GeneratedContent(BodySize);
            using var reply = await client.PostAsync("http://alpha.paas.test/upload", content);
            return await reply.Content.ReadAsStringAsync();
        });

        Assert.Equal(BodySize.ToString(System.Globalization.CultureInfo.InvariantCulture), response);
        Assert.True(allocated < AllocationBound, $"allocated {allocated / 1024 / 1024} MB for a 100 MB upload");
        Assert.True(workingSet < WorkingSetBound, $"working set grew {workingSet / 1024 / 1024} MB for a 100 MB upload");
    }

    [Fact]
    public async Task A_100_MB_download_streams_without_buffering()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")])], []));
        using var client = router.CreateClient();
        (await client.GetAsync("http://alpha.paas.test/hello")).EnsureSuccessStatusCode();

        var (allocated, workingSet, total) = await MeasureAsync(async () =>
        {
            using var response = await client.GetAsync($"http://alpha.paas.test/download?bytes={BodySize}", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(BodySize, response.Content.Headers.ContentLength);
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            long count = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                count += read;
            }

            ArrayPool<byte>.Shared.Return(buffer);
            return count;
        });

        Assert.Equal(BodySize, total);
        Assert.True(allocated < AllocationBound, $"allocated {allocated / 1024 / 1024} MB for a 100 MB download");
        Assert.True(workingSet < WorkingSetBound, $"working set grew {workingSet / 1024 / 1024} MB for a 100 MB download");
    }

    private static async Task<(long Allocated, long WorkingSet, T Result)> MeasureAsync<T>(Func<Task<T>> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var workingSetBefore = process.WorkingSet64;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var result = await action();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        TestContext.Current.TestOutputHelper?.WriteLine($"allocated {allocated / 1024.0 / 1024:F1} MB, working set {(process.WorkingSet64 - workingSetBefore) / 1024.0 / 1024:F1} MB");
        return (allocated, process.WorkingSet64 - workingSetBefore, result);
    }

    /// <summary>A request body of <c>length</c> bytes written from one reused buffer, chunked.</summary>
    private sealed class GeneratedContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var buffer = new byte[64 * 1024];
            Array.Fill(buffer, (byte)'u');
            var left = length;
            while (left > 0)
            {
                var n = (int)Math.Min(left, buffer.Length);
                await stream.WriteAsync(buffer.AsMemory(0, n));
                left -= n;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
