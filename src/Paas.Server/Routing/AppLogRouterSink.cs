using Paas.Router.Logging;
using Paas.Scheduling.Logs;

namespace Paas.Server;

/// <summary>Writes the router's Heroku-style lines (<c>at=info method=GET path=/ ... status=200</c>) into each app's logs as <c>paas[router]</c>.</summary>
internal sealed class AppLogRouterSink(IAppLogStore logs) : IRouterLogSink
{
    public void Write(string app, string line) => logs.Write(app, "paas[router]", line);
}
