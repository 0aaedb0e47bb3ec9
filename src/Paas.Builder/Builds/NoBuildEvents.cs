namespace Paas.Builder;

/// <summary>The default <see cref="IBuildEventSink"/>: a host without app logs keeps no build events.</summary>
internal sealed class NoBuildEvents : IBuildEventSink
{
    public void Write(string app, string line)
    {
    }
}
