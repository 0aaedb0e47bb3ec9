using Paas.Domain.Shell;

namespace Paas.Builder;

/// <summary>
/// The <c>web</c> process type of an image built from a Dockerfile that has no <c>Procfile</c> (Heroku's rule for container
/// images: the image's <c>CMD</c> is <c>web</c>), written as one command line that runs the same program with the same
/// arguments when a scheduler runs it as <c>/bin/sh -c LINE</c>, or passes it to the platform's launcher.
/// </summary>
internal static class ImageCommand
{
    /// <summary>
    /// The command line of <paramref name="entrypoint"/> + <paramref name="cmd"/> (OCI image spec, "config": the entrypoint's
    /// arguments come first); when the entrypoint is <paramref name="launcher"/>, only the <c>CMD</c> (the launcher takes it
    /// as its argument). A shell-form <c>CMD</c> (<c>["/bin/sh", "-c", "LINE"]</c>, what <c>CMD LINE</c> becomes) is <c>LINE</c>
    /// itself; exec-form arguments are quoted for a POSIX shell where needed.
    /// </summary>
    /// <returns>The line, or null when the image says nothing to run.</returns>
    public static string? Web(IReadOnlyList<string>? entrypoint, IReadOnlyList<string>? cmd, string launcher)
    {
        var words = new List<string>();
        if (entrypoint is { Count: > 0 } && !(entrypoint is [var only] && only == launcher))
        {
            words.AddRange(entrypoint);
        }

        words.AddRange(cmd ?? []);
        if (words is ["/bin/sh" or "sh", "-c", var line])
        {
            return line.Trim().Length > 0 ? line : null;
        }

        return words.Count == 0 ? null : string.Join(' ', words.Select(ShellWords.Quote));
    }
}
