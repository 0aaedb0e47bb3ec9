namespace Paas.Builder;

/// <summary>
/// The exit codes of the build pod's script (<c>Pods/build-pod.sh</c>), each an expected failure. Before exiting with one,
/// the script prints a line <c>paas-error: SENTENCE</c> that the builder shows as the reason instead of relaying it.
/// </summary>
internal enum BuildPodExit
{
    /// <summary>No built-in buildpack's <c>bin/detect</c> recognised the app.</summary>
    NoBuildpack = 10,

    /// <summary>A <c>BUILDPACK_URL</c> or <c>.buildpacks</c> entry could not be fetched or is not a buildpack.</summary>
    BuildpackUnavailable = 11,

    /// <summary>A buildpack's <c>bin/compile</c> failed.</summary>
    CompileFailed = 12,

    /// <summary>The last buildpack's <c>bin/release</c> failed.</summary>
    ReleaseFailed = 13,

    /// <summary>The source could not be downloaded from the builder.</summary>
    DownloadFailed = 14,

    /// <summary>The slug could not be uploaded to the builder.</summary>
    UploadFailed = 15,
}
