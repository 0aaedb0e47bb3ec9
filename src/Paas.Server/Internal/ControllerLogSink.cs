using System.Threading.Channels;
using Paas.Builder;
using Paas.Router.Logging;

namespace Paas.Server.Internal;

/// <summary>
/// App log lines from a part without the log store (the router's <c>paas[router]</c> lines, the builder's
/// <c>paas[builder]</c> events), sent to the controller in batches (<c>POST /internal/v1/logs</c>, at most every 200 ms).
/// Writing never blocks the request path: up to 10,000 lines wait in memory and, while the controller cannot be reached,
/// the oldest are dropped (counted in one warning per outage).
/// </summary>
internal sealed partial class ControllerLogSink : BackgroundService, IRouterLogSink, IBuildEventSink
{
    private const int Capacity = 10_000;
    private const int BatchSize = 500;
    private readonly Channel<AppLogEntry> _lines = Channel.CreateBounded<AppLogEntry>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
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
    }

    /// <inheritdoc />
    public void Write(string app, string line) => _lines.Writer.TryWrite(new AppLogEntry(app, _source, line));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AppLogEntry>(BatchSize);
        var failing = false;
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

            batch.Clear();
            await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "App log lines cannot reach the controller ({Reason}); {Count} lines dropped, and more until it answers")]
    private static partial void LogUnreachable(ILogger logger, int count, string reason);
}
