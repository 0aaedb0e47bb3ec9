namespace Paas.Builder;

/// <summary>How a build pod ended.</summary>
/// <param name="End">The kind of end.</param>
/// <param name="ExitCode">The container's exit code when it ran to an end, else null.</param>
/// <param name="Message">Why, in words, for <see cref="BuildPodEnd.NotStarted"/>, <see cref="BuildPodEnd.OutOfMemory"/> and
/// <see cref="BuildPodEnd.Unavailable"/> (e.g. <c>ErrImagePull: ...</c>, or the API server's refusal); else null.</param>
public sealed record BuildPodResult(BuildPodEnd End, int? ExitCode = null, string? Message = null);

/// <summary>The ways a build pod ends.</summary>
public enum BuildPodEnd
{
    /// <summary>The container exited 0.</summary>
    Succeeded,

    /// <summary>The container exited with another code (<see cref="BuildPodResult.ExitCode"/>, see <see cref="BuildPodExit"/>).</summary>
    Failed,

    /// <summary><c>activeDeadlineSeconds</c> passed (status reason <c>DeadlineExceeded</c>).</summary>
    DeadlineExceeded,

    /// <summary>The container was OOM-killed (its memory limit).</summary>
    OutOfMemory,

    /// <summary>The container never ran: its image could not be pulled, or its configuration was refused.</summary>
    NotStarted,

    /// <summary>The Kubernetes API server refused (RBAC, quota, validation) or could not be reached.</summary>
    Unavailable,
}
