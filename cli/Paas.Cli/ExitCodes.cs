namespace Paas.Cli;

/// <summary>
/// The exit codes of <c>paas</c>, for scripts:
/// 0 success; 1 the platform refused (an API error) or a local step failed (not logged in, git failed);
/// 2 the command line is wrong (unknown verb or option, bad <c>K=V</c>, no app, missing <c>--confirm</c>);
/// 3 the platform cannot be reached; 130 interrupted.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int Interrupted = 130;
}
