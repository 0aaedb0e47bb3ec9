namespace Paas.Cli.Git;

/// <summary>
/// One request of the git credential helper protocol (git-credential(1)): <c>key=value</c> lines on stdin,
/// ended by a blank line or end of input, e.g. <c>protocol=http</c>, <c>host=localhost:7000</c>, <c>path=hello.git</c>.
/// </summary>
internal sealed record GitCredentialRequest(string? Protocol, string? Host, string? Path, string? Username)
{
    public static async Task<GitCredentialRequest> ReadAsync(TextReader input, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await input.ReadLineAsync(cancellationToken) is { } line && line.Length > 0)
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[line[..equals]] = line[(equals + 1)..];
            }
        }

        return new GitCredentialRequest(
            values.GetValueOrDefault("protocol"),
            values.GetValueOrDefault("host"),
            values.GetValueOrDefault("path"),
            values.GetValueOrDefault("username"));
    }

    /// <summary>Whether git asks for the platform at <paramref name="platformUrl"/> (same scheme, host and port).</summary>
    public bool IsFor(Uri platformUrl)
    {
        if (!string.Equals(Protocol, platformUrl.Scheme, StringComparison.OrdinalIgnoreCase) || Host is null)
        {
            return false;
        }

        var expected = platformUrl.IsDefaultPort ? platformUrl.Host : $"{platformUrl.Host}:{platformUrl.Port}";
        return string.Equals(Host, expected, StringComparison.OrdinalIgnoreCase)
            || string.Equals(Host, $"{platformUrl.Host}:{platformUrl.Port}", StringComparison.OrdinalIgnoreCase);
    }
}
