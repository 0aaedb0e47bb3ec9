using System.Buffers;

namespace Paas.Domain.Shell;

/// <summary>
/// Words for a POSIX shell (<c>sh</c>), the one quoting rule of the platform: process commands built from a Dockerfile's
/// exec form, the git credential helper line, and <c>paas config --shell</c>, whose lines must read back to the same
/// values when sourced (as Heroku's <c>config --shell</c> escapes them).
/// </summary>
public static class ShellWords
{
    // The characters no POSIX shell treats specially in a word (XCU 2.2 Quoting lists the special ones).
    private static readonly SearchValues<char> Plain =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./:=@%+,");

    /// <summary>
    /// <paramref name="word"/> as one word: as is when it is not empty and holds only ASCII letters, digits and
    /// <c>_-./:=@%+,</c>; otherwise in single quotes, each embedded <c>'</c> written <c>'\''</c> (POSIX XCU 2.2.2: nothing
    /// is special inside single quotes, so newlines, <c>$</c>, backquotes and backslashes stay as they are).
    /// </summary>
    /// <param name="word">Any text, empty included.</param>
    /// <returns>The quoted word, for example <c>hello</c>, <c>'a b'</c>, <c>''</c> or <c>'it'\''s'</c>.</returns>
    public static string Quote(string word) =>
        word.Length > 0 && !word.AsSpan().ContainsAnyExcept(Plain)
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
