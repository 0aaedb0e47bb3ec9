using System.Threading.Channels;
using Paas.Builder;
using Paas.Router.Logging;

namespace Paas.Server.Internal;

/// <summary>
/// App log lines from a part without the log store (the router's <c>paas[router]</c> lines, the builder's
/// <c>paas[builder]</c> events), sent to the controller in batches of up to 500 (<c>POST /internal/v1/logs</c>): one
/// after the other while lines wait, then a pause of 200 ms once the queue is empty, so that a busy router sends full
/// batches and a quiet one few requests. Writing never blocks the request path: up to 10,000 lines wait in memory; past
/// that (the controller cannot be reached, or takes lines slower than they come) the oldest are dropped, and a warning
/// says how many, once per outage and at most once a minute otherwise.
/// </summary>
internal sealed partial class ControllerLogSink : BackgroundService, IRouterLogSink, IBuildEventSink
{
    private const int Capacity = 10_000;
    private const int BatchSize = 500;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan DroppedReportPeriod = TimeSpan.FromMinutes(1);
    private readonly Channel<AppLogEntry> _lines;
    private long _dropped;
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly ServiceCredential _service;
    private readonly ILogger<ControllerLogSink> _logger;
    private readonly string _source;

    /// <summary>Creates the sink.</summary>
    /// <param name="http">The HTTP client.</param>
    /// <param name="controllerInternalUrl">The controller's internal base URL.</param>
    /// <param name="service">The service credential.</param>
    /// <param name="source">The lines' source: <c>paas[router]</c> or <c>paas[builder]</c>.</param>
    /// <param name="logger">Where outages are reported.</param>
    public ControllerLogSink(HttpClient http, Uri controllerInternalUrl, ServiceCredential service, string source, ILogger<ControllerLogSink> logger)
    {
        _http = http;
        _url = new Uri(controllerInternalUrl, InternalApi.Prefix + "/logs");
        _service = service;
        _source = source;
        _logger = logger;
        _lines = Channel.CreateBounded<AppLogEntry>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Lines dropped so far because the queue was full (10,000 waiting).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <inheritdoc />
    public void Write(string app, string line) => _lines.Writer.TryWrite(new AppLogEntry(app, _source, line));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AppLogEntry>(BatchSize);
        var failing = false;
        long reported = 0;
        var lastReport = DateTime.MinValue;
        while (await _lines.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && _lines.Reader.TryRead(out var line))
            {
                batch.Add(line);
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = JsonContent.Create(new AppLogBatch(batch), InternalJsonContext.Default.AppLogBatch) };
                request.Headers.Authorization = _service.BasicAuthorization();
                using var response = await _http.SendAsync(request, stoppingToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                failing = false;
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !stoppingToken.IsCancellationRequested))
            {
                if (!failing)
                {
                    LogUnreachable(_logger, batch.Count, e.Message);
                }

                failing = true;
            }

            var dropped = Dropped;
            if (failing)
            {
                reported = dropped; // the outage's warning covers these
            }
            else if (dropped > reported && DateTime.UtcNow - lastReport >= DroppedReportPeriod)
            {
                LogOverflow(_logger, dropped - reported, Capacity);
                reported = dropped;
                lastReport = DateTime.UtcNow;
            }

            var full = batch.Count == BatchSize;
            batch.Clear();
            if (failing || !full)
            {
                // The queue is empty (or the controller is away): wait before the next request rather than send a batch per line.
                await Task.Delay(Pause, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "App log lines cannot reach the controller ({Reason}); {Count} lines dropped, and more until it answers")]
    private static partial void LogUnreachable(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "App log lines arrive faster than the controller takes them: {Count} dropped, the oldest first (at most {Capacity} wait)")]
    private static partial void LogOverflow(ILogger logger, long count, int capacity);
}
