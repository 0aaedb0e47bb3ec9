using System.Globalization;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>Formats a duration as Go's <c>time.Duration.String()</c> does (<c>10s</c>, <c>1m20s</c>, <c>5m0s</c>, <c>1.808s</c>).</summary>
internal static class GoDuration
{
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromMinutes(1))
        {
            return Seconds(duration.TotalSeconds);
        }

        var hours = (int)duration.TotalHours;
        var rest = Seconds(duration.TotalSeconds - ((int)duration.TotalMinutes * 60));
        return hours > 0 ? $"{hours}h{duration.Minutes}m{rest}" : $"{(int)duration.TotalMinutes}m{rest}";
    }

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
