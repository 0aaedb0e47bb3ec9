using System.Globalization;

namespace Paas.Cli.Output;

/// <summary>Timestamps as Heroku prints them: <c>2026/11/21 08:40:12 (~ 1m ago)</c>, in local time.</summary>
internal static class TimeText
{
    public static string Format(DateTimeOffset time, DateTimeOffset now) =>
        time.ToLocalTime().ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture) + " (" + Ago(time, now) + ")";

    public static string Ago(DateTimeOffset time, DateTimeOffset now)
    {
        var age = now - time;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds < 60 ? $"~ {(int)age.TotalSeconds}s ago"
            : age.TotalMinutes < 60 ? $"~ {(int)age.TotalMinutes}m ago"
            : age.TotalHours < 24 ? $"~ {(int)age.TotalHours}h ago"
            : $"~ {(int)age.TotalDays}d ago";
    }
}
