namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// Serves a <see cref="RunLog"/> as <c>GET pods/NAME/log</c> does (05a-05e): <c>sinceTime</c> filters, <c>tailLines</c> keeps
/// the last lines, <c>timestamps</c> prefixes each line, <c>limitBytes</c> cuts the body (mid-line), and <c>follow</c> keeps
/// writing until the run ends or the client goes away.
/// </summary>
internal static class LogWriter
{
    public static async Task WriteAsync(RunLog log, FakeLogOptions options, Stream output, CancellationToken cancellationToken)
    {
        var (lines, next, ended, changed) = log.Snapshot(0);
        IEnumerable<LogLine> first = lines;
        if (options.SinceTime is { } since)
        {
            first = first.Where(l => l.At >= since.UtcDateTime);
        }

        if (options.TailLines is { } tail)
        {
            first = first.TakeLast(Math.Max(0, tail));
        }

        var budget = options.LimitBytes ?? long.MaxValue;
        try
        {
            budget = await WriteLinesAsync(first, options.Timestamps, budget, output, cancellationToken);
            while (options.Follow && !ended && budget > 0)
            {
                await changed.WaitAsync(cancellationToken);
                (lines, next, ended, changed) = log.Snapshot(next);
                budget = await WriteLinesAsync(lines, options.Timestamps, budget, output, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: end quietly.
        }
    }

    private static async Task<long> WriteLinesAsync(IEnumerable<LogLine> lines, bool timestamps, long budget, Stream output, CancellationToken cancellationToken)
    {
        var wrote = false;
        foreach (var line in lines)
        {
            if (budget <= 0)
            {
                break;
            }

            if (timestamps)
            {
                budget = await WriteCappedAsync(line.TimestampPrefix(), budget, output, cancellationToken);
            }

            budget = await WriteCappedAsync(line.Content, budget, output, cancellationToken);
            wrote = true;
        }

        if (wrote)
        {
            await output.FlushAsync(cancellationToken);
        }

        return budget;
    }

    private static async Task<long> WriteCappedAsync(byte[] bytes, long budget, Stream output, CancellationToken cancellationToken)
    {
        var count = (int)Math.Min(bytes.Length, budget);
        if (count > 0)
        {
            await output.WriteAsync(bytes.AsMemory(0, count), cancellationToken);
        }

        return budget - count;
    }
}
