namespace Paas.Router.Pipeline;

/// <summary>
/// The text of one router line, as Heroku's router writes it
/// (https://devcenter.heroku.com/articles/http-routing#heroku-router-log-format): <c>at=info</c> for a served request,
/// <c>at=error code=H.. desc="..."</c> in front for a failure.
/// Values from the request (target, host) are escaped: a <c>"</c>, a <c>\</c>, a space in the host, a control or
/// non-ASCII character becomes <c>%XX</c> (UTF-8 bytes), so a crafted request cannot end the quoted field or forge
/// another <c>key=value</c> or line.
/// </summary>
internal static class RouterLine
{
    /// <summary>Formats a line; durations in whole milliseconds, <paramref name="bytes"/> of response body.</summary>
    public static string Format(
        RouterFailure failure,
        string method,
        string pathAndQuery,
        ReadOnlySpan<char> host,
        string requestId,
        string fwd,
        string dyno,
        long connectMs,
        long serviceMs,
        int status,
        long bytes,
        string protocol)
    {
        pathAndQuery = Escape(pathAndQuery, quoted: true);
        var safeHost = Escape(host.ToString(), quoted: false);
        return failure == RouterFailure.None
            ? $"at=info method={method} path=\"{pathAndQuery}\" host={safeHost} request_id={requestId} fwd=\"{fwd}\" dyno={dyno} connect={connectMs}ms service={Math.Max(serviceMs, 0)}ms status={status} bytes={bytes} protocol={protocol}"
            : $"at=error code={RouterFailures.Code(failure)} desc=\"{RouterFailures.Description(failure)}\" method={method} path=\"{pathAndQuery}\" host={safeHost} request_id={requestId} fwd=\"{fwd}\" dyno={dyno} connect={connectMs}ms service={Math.Max(serviceMs, 0)}ms status={status} bytes={bytes} protocol={protocol}";
    }

    /// <summary>The text with every character that could break the line or its field percent-encoded.</summary>
    public static string Escape(string text, bool quoted)
    {
        var clean = true;
        foreach (var c in text)
        {
            if (NeedsEscape(c, quoted))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(c, quoted))
            {
                builder.Append(c);
                continue;
            }

            var rune = System.Text.Rune.TryGetRuneAt(text, i, out var r) ? r : System.Text.Rune.ReplacementChar;
            var length = rune.EncodeToUtf8(utf8);
            for (var b = 0; b < length; b++)
            {
                builder.Append('%').Append(utf8[b].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }

            i += rune.Utf16SequenceLength - 1;
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c, bool quoted) =>
        c is < ' ' or '"' or '\\' or >= (char)0x7f || (!quoted && c == ' ');
}
