using Paas.Builder;
using Paas.Scheduling.Logs;

namespace Paas.Server;

/// <summary>Writes build events into the app's logs as <c>paas[builder]</c> lines (<c>paas logs</c> shows them beside releases and processes).</summary>
internal sealed class AppLogBuildEvents(IAppLogStore logs) : IBuildEventSink
{
    public void Write(string app, string line) => logs.Write(app, "paas[builder]", line);
}
