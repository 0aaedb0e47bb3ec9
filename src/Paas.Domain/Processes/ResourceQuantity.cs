using System.Globalization;
using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// Reads and writes the quantities of <c>paas limits:set</c>. Memory as Deis Workflow writes it: a whole number and a unit
/// B, K, M or G in multiples of 1024 (<c>512M</c> = 512 MiB; <c>MB</c>, <c>Mi</c> and <c>MiB</c> mean the same), between
/// <see cref="MinMemoryBytes"/> and <see cref="MaxMemoryBytes"/>. CPU as Kubernetes writes it (API reference "Quantity"):
/// millicores <c>500m</c> or cores <c>1</c>, <c>0.5</c>, between <see cref="MinCpuMillicores"/> and <see cref="MaxCpuMillicores"/>.
/// </summary>
public static partial class ResourceQuantity
{
    /// <summary>The smallest memory limit: 4 MiB (less and no process starts).</summary>
    public const long MinMemoryBytes = 4L * 1024 * 1024;

    /// <summary>The largest memory limit: 64 GiB.</summary>
    public const long MaxMemoryBytes = 64L * 1024 * 1024 * 1024;

    /// <summary>The smallest CPU limit: 10 millicores.</summary>
    public const int MinCpuMillicores = 10;

    /// <summary>The largest CPU limit: 64 cores.</summary>
    public const int MaxCpuMillicores = 64_000;

    /// <summary>Parses a memory limit.</summary>
    /// <param name="text">Like <c>512M</c>, <c>1G</c>, <c>1536m</c>.</param>
    /// <param name="bytes">The limit in bytes.</param>
    /// <returns>Null when valid, otherwise what is wrong, with an example.</returns>
    public static string? TryParseMemory(string? text, out long bytes)
    {
        bytes = 0;
        var match = MemoryPattern().Match(text?.Trim() ?? "");
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return $"'{text}' is not a memory limit: write a whole number and a unit B, K, M or G (1024 multiples), like 512M or 1G";
        }

        var shift = char.ToUpperInvariant(match.Groups[2].Value[0]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            _ => 0,
        };
        if (number > MaxMemoryBytes >> shift || (number << shift) < MinMemoryBytes)
        {
            return $"'{text}' is out of range: a memory limit is between {FormatMemory(MinMemoryBytes)} and {FormatMemory(MaxMemoryBytes)}, like 512M";
        }

        bytes = number << shift;
        return null;
    }

    /// <summary>Parses a CPU limit.</summary>
    /// <param name="text">Millicores like <c>500m</c>, or cores like <c>1</c> or <c>1.5</c>.</param>
    /// <param name="millicores">The limit in millicores.</param>
    /// <returns>Null when valid, otherwise what is wrong, with an example.</returns>
    public static string? TryParseCpu(string? text, out int millicores)
    {
        millicores = 0;
        var match = CpuPattern().Match(text?.Trim() ?? "");
        decimal value;
        if (!match.Success || !decimal.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            return $"'{text}' is not a CPU limit: write millicores like 500m or cores like 1 or 1.5";
        }

        var milli = match.Groups[2].Success ? value : value * 1000;
        if (milli != decimal.Truncate(milli))
        {
            return $"'{text}' is finer than a millicore: write it like 250m";
        }

        if (milli is < MinCpuMillicores or > MaxCpuMillicores)
        {
            return $"'{text}' is out of range: a CPU limit is between {FormatCpu(MinCpuMillicores)} and {FormatCpu(MaxCpuMillicores)} cores, like 500m";
        }

        millicores = (int)milli;
        return null;
    }

    /// <summary>Writes bytes in the largest unit that divides them: 536870912 as <c>512M</c>, 1610612736 as <c>1536M</c>.</summary>
    /// <param name="bytes">A byte count.</param>
    /// <returns>The text.</returns>
    public static string FormatMemory(long bytes)
    {
        foreach (var (shift, unit) in new[] { (30, "G"), (20, "M"), (10, "K") })
        {
            if (bytes != 0 && bytes % (1L << shift) == 0)
            {
                return (bytes >> shift).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }

    /// <summary>Writes millicores as Kubernetes does: whole cores as <c>2</c>, else <c>500m</c>.</summary>
    /// <param name="millicores">Millicores.</param>
    /// <returns>The text.</returns>
    public static string FormatCpu(int millicores) =>
        millicores % 1000 == 0
            ? (millicores / 1000).ToString(CultureInfo.InvariantCulture)
            : millicores.ToString(CultureInfo.InvariantCulture) + "m";

    [GeneratedRegex("^([0-9]{1,12})([BKMG])(?:IB?|B)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex MemoryPattern();

    [GeneratedRegex("^([0-9]{1,6}(?:\\.[0-9]{1,3})?)(m)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CpuPattern();
}
