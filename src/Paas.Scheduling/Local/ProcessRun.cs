namespace Paas.Scheduling.Local;

/// <summary>One start of a supervised process, as its supervisor follows it (see <see cref="SupervisedProcess{TRelease}"/>).</summary>
/// <param name="Output">Copies what it writes to the app's logs; completes when its output ends.</param>
/// <param name="Exit">Completes with its exit status once it has exited.</param>
/// <param name="EndAsync">Makes sure it is gone and frees what it held, after it exited or failed to boot.</param>
/// <param name="Adopted">Whether it was found running after a platform restart rather than started.</param>
internal sealed record ProcessRun(Task Output, Task<int> Exit, Func<Task> EndAsync, bool Adopted = false);
