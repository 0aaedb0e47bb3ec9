using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Paas.Scheduling.Podman;

/// <summary>One container as <c>podman inspect</c> shows it (the fields the scheduler reads).</summary>
/// <param name="Id">The full container id.</param>
/// <param name="Running">Whether its state is <c>running</c>.</param>
/// <param name="StartedAt">When it last started (<c>.State.StartedAt</c>).</param>
/// <param name="Labels">Its labels (<see cref="ContainerLabels"/>).</param>
/// <param name="HostPorts">Container port (<c>5000/tcp</c>) to the port published on the host.</param>
internal sealed partial record ContainerInspection(string Id, bool Running, DateTimeOffset? StartedAt, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, int> HostPorts)
{
    /// <summary>Reads the JSON array <c>podman inspect ID...</c> prints.</summary>
    /// <param name="json">The output.</param>
    /// <returns>One inspection per container.</returns>
    public static IReadOnlyList<ContainerInspection> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var list = new List<ContainerInspection>();
        foreach (var container in document.RootElement.EnumerateArray())
        {
            var state = container.GetProperty("State");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (container.TryGetProperty("Config", out var config) && config.TryGetProperty("Labels", out var found) && found.ValueKind == JsonValueKind.Object)
            {
                foreach (var label in found.EnumerateObject())
                {
                    labels[label.Name] = label.Value.GetString() ?? "";
                }
            }

            var ports = new Dictionary<string, int>(StringComparer.Ordinal);
            if (container.TryGetProperty("NetworkSettings", out var network) && network.TryGetProperty("Ports", out var published) && published.ValueKind == JsonValueKind.Object)
            {
                foreach (var port in published.EnumerateObject())
                {
                    if (port.Value.ValueKind == JsonValueKind.Array && port.Value.GetArrayLength() > 0
                        && int.TryParse(port.Value[0].GetProperty("HostPort").GetString(), CultureInfo.InvariantCulture, out var hostPort))
                    {
                        ports[port.Name] = hostPort;
                    }
                }
            }

            list.Add(new ContainerInspection(
                container.GetProperty("Id").GetString()!,
                state.TryGetProperty("Running", out var running) && running.ValueKind == JsonValueKind.True,
                state.TryGetProperty("StartedAt", out var started) ? ParseTime(started.GetString()) : null,
                labels,
                ports));
        }

        return list;
    }

    /// <summary>A Go <c>time.Time</c> in RFC 3339 with up to nanoseconds, cut to the 100 ns .NET keeps; null for Go's zero time or garbage.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The time.</returns>
    internal static DateTimeOffset? ParseTime(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = Fraction().Replace(text, m => m.Groups[1].Value[..Math.Min(7, m.Groups[1].Value.Length)]);
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1
            ? time.ToUniversalTime()
            : null;
    }

    [GeneratedRegex(@"(?<=\.)(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Fraction();
}
