namespace Paas.Chart.Tests.Helm;

/// <summary>What a helm command printed and its exit code.</summary>
/// <param name="Code">The exit code.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Command">The command line, for messages.</param>
internal sealed record HelmResult(int Code, string Output, string Error, string Command)
{
    /// <summary>Standard output, after checking that helm succeeded.</summary>
    /// <exception cref="InvalidOperationException">helm exited non-zero (its error output in the message).</exception>
    public string Succeeded() => Code == 0 ? Output : throw new InvalidOperationException($"{Command} exited with {Code}:\n{Error}\n{Output}");

    /// <summary>Standard error, after checking that helm failed.</summary>
    /// <exception cref="InvalidOperationException">helm succeeded.</exception>
    public string Failed() => Code != 0 ? Error : throw new InvalidOperationException($"{Command} succeeded, but it should have failed:\n{Output}");
}
