namespace Paas.Router.Tests.Infrastructure;

/// <summary>Tests that measure the process (allocations, working set) or set process-wide hooks run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredCollection
{
    public const string Name = "Measured";
}
