namespace Paas.Builder;

/// <summary>The expected ways a build ends without a release (each is shown to the pusher with a reason).</summary>
internal enum BuildFailure
{
    /// <summary>The push updates a ref other than <c>master</c> or <c>main</c>, or deletes one.</summary>
    WrongBranch,

    /// <summary>Another push to the same app is building.</summary>
    Busy,

    /// <summary>The pushed commit has no files.</summary>
    EmptyCommit,

    /// <summary>No buildpack recognises the app.</summary>
    NoBuildpack,

    /// <summary>A <c>BUILDPACK_URL</c> or <c>.buildpacks</c> entry cannot be fetched or is not a buildpack.</summary>
    BuildpackUnavailable,

    /// <summary>A file the platform reads itself (<see cref="AppFiles.ReadByThePlatform"/>) is a symbolic link or not a regular file.</summary>
    UnreadableAppFile,

    /// <summary>A buildpack's <c>bin/compile</c> failed.</summary>
    CompileFailed,

    /// <summary>The <c>Procfile</c> does not parse, or the buildpack's <c>bin/release</c> failed.</summary>
    ProcfileInvalid,

    /// <summary>Nothing declares a process type to run.</summary>
    NoProcessTypes,

    /// <summary>The build ran longer than <see cref="BuilderOptions.BuildTimeout"/>.</summary>
    Timeout,

    /// <summary>The push was cancelled (the pushing client went away) while it built.</summary>
    Cancelled,

    /// <summary>The build pod could not run: its image could not be pulled, it ran out of memory, the Kubernetes API server refused or could not be reached, or it could not exchange the source and slug with the builder.</summary>
    BuildPodFailed,

    /// <summary>The image could not be pushed to the registry.</summary>
    RegistryFailed,

    /// <summary>The controller refused to record the build.</summary>
    ControllerRefused,

    /// <summary>The release was recorded but failed to deploy (the previous release keeps serving).</summary>
    DeployFailed,
}
