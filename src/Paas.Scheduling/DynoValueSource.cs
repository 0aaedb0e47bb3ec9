namespace Paas.Scheduling;

/// <summary>Where the value of a <see cref="DynoVariable"/> comes from; each runtime maps the per-process ones its own way.</summary>
public enum DynoValueSource
{
    /// <summary>The variable's own <see cref="DynoVariable.Value"/>, the same for every process of the release.</summary>
    Release,

    /// <summary>The process's name: <c>web.1</c>, <c>run.4821</c> (local runtime); the pod's name (Kubernetes, <c>metadata.name</c>).</summary>
    DynoName,

    /// <summary>
    /// An id unique to this start of the process, as Heroku's <c>HEROKU_DYNO_ID</c>: a new UUID per start (local runtime);
    /// the pod's UID (Kubernetes, <c>metadata.uid</c>).
    /// </summary>
    DynoId,
}
