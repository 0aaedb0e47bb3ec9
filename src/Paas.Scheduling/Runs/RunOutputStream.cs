namespace Paas.Scheduling;

/// <summary>Which of a one-off process's output streams a <see cref="RunOutputChunk"/> comes from.</summary>
public enum RunOutputStream
{
    /// <summary>Standard output (file descriptor 1).</summary>
    StandardOutput = 1,

    /// <summary>Standard error (file descriptor 2).</summary>
    StandardError = 2,
}
