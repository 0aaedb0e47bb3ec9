using System.Text;
using Paas.Client;

namespace Paas.Cli.Output;

/// <summary>
/// Writes a one-off process's output chunks to the CLI's standard output and error as they come (a prompt without a
/// newline shows at once). One UTF-8 decoder per stream, so a character split across two chunks comes out whole.
/// </summary>
internal sealed class RunOutputWriter(TextWriter output, TextWriter error)
{
    private readonly Decoder _output = Encoding.UTF8.GetDecoder();
    private readonly Decoder _error = Encoding.UTF8.GetDecoder();

    public async ValueTask WriteAsync(byte stream, ReadOnlyMemory<byte> bytes)
    {
        var (writer, decoder) = stream == RunSocketProtocol.StandardError ? (error, _error) : (output, _output);
        var chars = new char[decoder.GetCharCount(bytes.Span, flush: false)];
        var count = decoder.GetChars(bytes.Span, chars, flush: false);
        await writer.WriteAsync(chars.AsMemory(0, count));
        await writer.FlushAsync();
    }

    /// <summary>Writes what is left of a character cut off at the end.</summary>
    public async Task FlushAsync()
    {
        foreach (var (writer, decoder) in new[] { (output, _output), (error, _error) })
        {
            var chars = new char[decoder.GetCharCount([], flush: true)];
            decoder.GetChars([], chars, flush: true);
            await writer.WriteAsync(chars);
            await writer.FlushAsync();
        }
    }
}
