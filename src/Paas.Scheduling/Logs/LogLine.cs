using System.Globalization;

namespace Paas.Scheduling.Logs;

/// <summary>
/// One log line of an app, as Heroku prints it: <c>2026-11-21T08:40:12.123456+00:00 app[web.1]: listening on 5000</c>.
/// </summary>
/// <param name="Timestamp">When the line was written (UTC, microseconds).</param>
/// <param name="Source">Who wrote it: <c>app[web.1]</c> for a process, <c>paas[scheduler]</c> or <c>paas[api]</c> for the platform.</param>
/// <param name="Message">The text, without its newline.</param>
public sealed record LogLine(DateTimeOffset Timestamp, string Source, string Message)
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffffzzz";

    /// <summary>The process name in an <c>app[NAME]</c> or <c>paas[NAME]</c> source (<c>web.1</c>), or the whole source.</summary>
    public string ProcessName
    {
        get
        {
            var open = Source.IndexOf('[', StringComparison.Ordinal);
            return open >= 0 && Source.EndsWith(']') ? Source[(open + 1)..^1] : Source;
        }
    }

    /// <summary>Whether the line matches a <c>paas logs -p</c> filter: a process type (<c>web</c>) or one process (<c>web.1</c>).</summary>
    /// <param name="process">The filter, or null for every line.</param>
    /// <returns>Whether the line is kept.</returns>
    public bool Matches(string? process)
    {
        if (string.IsNullOrEmpty(process))
        {
            return true;
        }

        var name = ProcessName;
        return name == process || name.StartsWith(process + ".", StringComparison.Ordinal);
    }

    /// <summary>The Heroku format: timestamp, space, source, colon, space, message.</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        $"{Timestamp.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture)} {Source}: {Message}";

    /// <summary>Parses a line written by <see cref="ToString"/>.</summary>
    /// <param name="text">The line.</param>
    /// <param name="line">The parsed line.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParse(string text, out LogLine line)
    {
        line = null!;
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return false;
        }

        var colon = text.IndexOf(": ", space + 1, StringComparison.Ordinal);
        if (colon <= space + 1
            || !DateTimeOffset.TryParseExact(text[..space], TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var timestamp))
        {
            return false;
        }

        line = new LogLine(timestamp, text[(space + 1)..colon], text[(colon + 2)..]);
        return true;
    }
}
