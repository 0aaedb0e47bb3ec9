using System.Globalization;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>Formats a duration as Go's <c>time.Duration.String()</c> does (<c>10s</c>, <c>1m20s</c>, <c>5m0s</c>, <c>1.808s</c>, <c>500ms</c>).</summary>
internal static class GoDuration
{
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        if (duration < TimeSpan.FromSeconds(1))
        {
            return Number(duration.TotalMilliseconds) + "ms";
        }

        if (duration < TimeSpan.FromMinutes(1))
        {
            return Number(duration.TotalSeconds) + "s";
        }

        var hours = (int)duration.TotalHours;
        var rest = Number(duration.TotalSeconds - ((int)duration.TotalMinutes * 60)) + "s";
        return hours > 0 ? $"{hours}h{duration.Minutes}m{rest}" : $"{(int)duration.TotalMinutes}m{rest}";
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
