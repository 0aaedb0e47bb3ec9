using System.Buffers;

namespace Paas.Domain.Shell;

/// <summary>
/// Words for a POSIX shell (<c>sh</c>), the one quoting rule of the platform: process commands built from a Dockerfile's
/// exec form, the git credential helper line, and <c>paas config --shell</c>, whose lines must read back to the same
/// values when sourced (as Heroku's <c>config --shell</c> escapes them), and the reading of such lines back
/// (<see cref="ReadAssignments"/>, for <c>paas config:push</c>).
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

    /// <summary>
    /// Reads <c>NAME=value</c> lines as <c>sh</c> would assign them, without running anything: the lines
    /// <see cref="Quote"/> writes (<c>paas config --shell</c>, <c>paas config:pull</c>) and the <c>.env</c> files people
    /// write by hand. Per line: optional <c>export </c>, a name (<c>[A-Za-z_][A-Za-z0-9_]*</c>, POSIX XBD 3.235), <c>=</c>,
    /// and one word made of plain characters, <c>'single-quoted'</c> parts (taken as they are, newlines included),
    /// <c>"double-quoted"</c> parts (a backslash escapes <c>$ ` " \</c> and a newline, XCU 2.2.3) and backslash-escaped
    /// characters, then an optional <c># comment</c>. Blank lines and comment lines are skipped; a later line for the same
    /// name wins, as in <c>sh</c>.
    /// </summary>
    /// <param name="text">The file's text (LF or CRLF line ends).</param>
    /// <returns>The assignments in file order, the last of each name kept, as (name, value) pairs.</returns>
    /// <exception cref="FormatException">
    /// What <c>sh</c> would read differently or not at all, with its line number: a line that is not an assignment, an
    /// unclosed quote, an unquoted <c>$</c> or backquote (<c>sh</c> would expand it; this reader runs nothing), an
    /// unquoted <c>; &amp; | &lt; &gt; ( )</c>, or a second word after the value.
    /// </exception>
    public static IReadOnlyList<KeyValuePair<string, string>> ReadAssignments(string text)
    {
        var reader = new AssignmentReader(text.Replace("\r\n", "\n", StringComparison.Ordinal));
        // A name set again keeps its first place and takes the later value.
        var values = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        while (reader.Next() is { } assignment)
        {
            values[assignment.Key] = assignment.Value;
        }

        return [.. values];
    }

    private sealed class AssignmentReader(string text)
    {
        private int _at;
        private int _line = 1;

        public KeyValuePair<string, string>? Next()
        {
            while (true)
            {
                SkipBlanks();
                if (_at >= text.Length)
                {
                    return null;
                }

                if (text[_at] == '\n')
                {
                    _at++;
                    _line++;
                    continue;
                }

                if (text[_at] == '#')
                {
                    SkipComment();
                    continue;
                }

                break;
            }

            var line = _line;
            if (text.AsSpan(_at).StartsWith("export") && _at + 6 < text.Length && text[_at + 6] is ' ' or '\t')
            {
                _at += 6;
                SkipBlanks();
            }

            var start = _at;
            while (_at < text.Length && (char.IsAsciiLetter(text[_at]) || text[_at] == '_' || (_at > start && char.IsAsciiDigit(text[_at]))))
            {
                _at++;
            }

            if (_at == start || _at >= text.Length || text[_at] != '=')
            {
                throw Error(line, "expected NAME=value (a name of letters, digits and '_', not starting with a digit, then '=')");
            }

            var name = text[start.._at];
            _at++;
            var value = ReadWord();
            SkipBlanks();
            if (_at < text.Length && text[_at] == '#')
            {
                SkipComment();
            }

            if (_at < text.Length && text[_at] != '\n')
            {
                throw Error(_line, $"more than one word after {name}=; quote a value with spaces ('like this'), one NAME=value per line");
            }

            return new KeyValuePair<string, string>(name, value);
        }

        private string ReadWord()
        {
            var value = new System.Text.StringBuilder();
            while (_at < text.Length && text[_at] is not (' ' or '\t' or '\n'))
            {
                var c = text[_at++];
                switch (c)
                {
                    case '\'':
                        ReadUntilQuote(value, '\'');
                        break;
                    case '"':
                        ReadUntilQuote(value, '"');
                        break;
                    case '\\':
                        Escaped(value, any: true);
                        break;
                    case '$' or '`':
                        throw Error(_line, $"an unquoted {c} would be expanded by sh, and nothing is run here: write \\{c} or put the value in single quotes");
                    case ';' or '&' or '|' or '<' or '>' or '(' or ')':
                        throw Error(_line, $"an unquoted {c} means something else to sh: put the value in single quotes");
                    default:
                        value.Append(c);
                        break;
                }
            }

            return value.ToString();
        }

        private void ReadUntilQuote(System.Text.StringBuilder value, char quote)
        {
            var opened = _line;
            while (true)
            {
                if (_at >= text.Length)
                {
                    throw Error(opened, $"the {quote} opened on this line is never closed");
                }

                var c = text[_at++];
                if (c == quote)
                {
                    return;
                }

                if (c == '\n')
                {
                    _line++;
                }

                if (quote == '"' && c == '\\')
                {
                    Escaped(value, any: false);
                }
                else if (quote == '"' && c is '$' or '`')
                {
                    throw Error(_line, $"a {c} in double quotes would be expanded by sh, and nothing is run here: write \\{c} or use single quotes");
                }
                else
                {
                    value.Append(c);
                }
            }
        }

        /// <summary>After a backslash: outside quotes any character stands for itself; in double quotes only <c>$ ` " \</c>. Before a newline, both go (a line continuation).</summary>
        private void Escaped(System.Text.StringBuilder value, bool any)
        {
            if (_at >= text.Length)
            {
                value.Append('\\');
                return;
            }

            var next = text[_at];
            if (next == '\n')
            {
                _at++;
                _line++;
            }
            else if (any || next is '$' or '`' or '"' or '\\')
            {
                value.Append(next);
                _at++;
            }
            else
            {
                value.Append('\\');
            }
        }

        private void SkipBlanks()
        {
            while (_at < text.Length && text[_at] is ' ' or '\t')
            {
                _at++;
            }
        }

        private void SkipComment()
        {
            while (_at < text.Length && text[_at] != '\n')
            {
                _at++;
            }
        }

        private static FormatException Error(int line, string what) => new($"line {line}: {what}");
    }
}
