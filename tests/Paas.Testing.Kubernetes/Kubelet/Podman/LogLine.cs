using System.Globalization;
using System.Text;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>One line the process wrote (with its newline, except a last partial line), stamped when it arrived.</summary>
/// <param name="At">When the line was read from the process (UTC).</param>
/// <param name="Content">The bytes, newline included.</param>
internal sealed record LogLine(DateTime At, byte[] Content)
{
    /// <summary>The RFC 3339 timestamp with 9 fractional digits and a space, as <c>timestamps=true</c> prefixes (05a).</summary>
    public byte[] TimestampPrefix() =>
        Encoding.ASCII.GetBytes(At.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z ");
}
