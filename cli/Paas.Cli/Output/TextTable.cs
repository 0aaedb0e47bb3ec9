using System.Text;

namespace Paas.Cli.Output;

/// <summary>
/// Left-aligned columns separated by two spaces, as Heroku prints its lists; the last column is not padded
/// so no line ends in spaces.
/// </summary>
internal static class TextTable
{
    public static string Format(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (rows.Count == 0)
        {
            return "";
        }

        var columns = rows.Max(r => r.Count);
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Count; i++)
            {
                if (i > 0)
                {
                    line.Append("  ");
                }

                line.Append(i == row.Count - 1 ? row[i] : row[i].PadRight(widths[i]));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
