namespace Paas.Cli.Git;

/// <summary>What a <c>git</c> run printed and how it ended.</summary>
internal sealed record GitResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
