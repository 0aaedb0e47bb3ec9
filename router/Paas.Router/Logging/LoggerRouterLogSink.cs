using Microsoft.Extensions.Logging;

namespace Paas.Router.Logging;

/// <summary>The default <see cref="IRouterLogSink"/>: router lines go to <c>ILogger</c> (category <c>Paas.Router.Access</c>).</summary>
internal sealed class LoggerRouterLogSink(ILoggerFactory loggerFactory) : IRouterLogSink
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Paas.Router.Access");

    public void Write(string app, string line) => RouterLog.RouterLine(_logger, app, line);

    public bool IsEnabled(string app) => _logger.IsEnabled(LogLevel.Information);
}
