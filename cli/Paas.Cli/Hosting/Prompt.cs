using System.Text;

namespace Paas.Cli.Hosting;

/// <summary>Asks for a value on the terminal (hidden for passwords), or reads a line when stdin is redirected.</summary>
internal static class Prompt
{
    public static string Ask(CliContext context, string label, string option, bool secret)
    {
        string? value;
        if (context.InputIsTerminal)
        {
            context.Error.Write(label + ": ");
            context.Error.Flush();
            value = secret ? ReadHidden(context) : context.In.ReadLine();
        }
        else
        {
            value = context.In.ReadLine();
        }

        return CliContext.NonEmpty(value) is null
            ? throw CliException.Usage($"no {label.ToLowerInvariant()} given; type it at the prompt or pass {option}.")
            : secret ? value! : value!.Trim();
    }

    private static string ReadHidden(CliContext context)
    {
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        context.Error.WriteLine();
        return text.ToString();
    }
}
