// One platform at a time: the zero-downtime check measures latency, which a parallel .NET publish would disturb.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
