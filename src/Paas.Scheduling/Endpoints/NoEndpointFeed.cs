namespace Paas.Scheduling;

/// <summary>The endpoint feed of a scheduler that runs nothing (the recording double): always empty.</summary>
internal sealed class NoEndpointFeed : IEndpointFeed
{
    public long Version => 0;

    public event EventHandler<string>? Changed
    {
        add { }
        remove { }
    }

    public IReadOnlyList<AppEndpoint> GetEndpoints(string app) => [];
}
