namespace Paas.Scheduling.Local;

/// <summary>One process a scheduler on this machine supervises (the local runtime's <see cref="Dyno"/>, podman's container).</summary>
internal interface ISupervisedProcess
{
    /// <summary>Its process type (<c>web</c>).</summary>
    string Type { get; }

    /// <summary>Its number within the type, from 1 (<c>web.2</c> is 2).</summary>
    int Index { get; }

    /// <summary>Its name, <c>TYPE.INDEX</c> (<c>web.2</c>).</summary>
    string Name { get; }

    /// <summary>The release it runs (<c>5</c> for v5).</summary>
    int Release { get; }

    /// <summary>Whether it is a <c>web</c> process (it gets a port and traffic).</summary>
    bool IsWeb { get; }

    /// <summary>Its state now.</summary>
    ProcessState State { get; }

    /// <summary>The port on 127.0.0.1 that reaches a web process (its <c>PORT</c>, or a container's published port), or null.</summary>
    int? Port { get; }

    /// <summary>What <c>paas ps</c> shows of it.</summary>
    /// <returns>Its status now.</returns>
    ProcessStatus Status();

    /// <summary>Starts it and supervises it (restarts after a crash, with back-off).</summary>
    /// <param name="giveUpOnFailedBoot">True in a deploy: a failed boot ends it and is returned; false: it is restarted.</param>
    /// <returns>Null once up, or why its boot failed.</returns>
    Task<string?> StartAsync(bool giveUpOnFailedBoot);

    /// <summary>Stops it: SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    Task StopAsync(TimeSpan grace);

    /// <summary>Stops supervising without touching what runs, as a crashed platform would (recovery tests use it).</summary>
    void Abandon();
}
