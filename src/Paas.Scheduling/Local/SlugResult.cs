namespace Paas.Scheduling.Local;

/// <summary>The outcome of <see cref="ISlugSource.PrepareAsync"/>.</summary>
/// <param name="AppDirectory">The slug's app folder, or null on failure.</param>
/// <param name="FailureReason">Why the slug is not available (e.g. "the registry answered 404 for hello@sha256:..."), or null.</param>
public sealed record SlugResult(string? AppDirectory, string? FailureReason)
{
    /// <summary>A slug that is ready.</summary>
    /// <param name="appDirectory">Its app folder.</param>
    /// <returns>The result.</returns>
    public static SlugResult Ready(string appDirectory) => new(appDirectory, null);

    /// <summary>A slug that could not be made available.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>The result.</returns>
    public static SlugResult Failed(string reason) => new(null, reason);
}
