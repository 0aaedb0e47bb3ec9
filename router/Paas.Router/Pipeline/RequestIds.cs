namespace Paas.Router.Pipeline;

/// <summary>
/// <c>X-Request-Id</c> as Heroku handles it: a client's value is kept when it is 20 to 200 characters of
/// <c>[A-Za-z0-9+/=_-]</c>, otherwise a new UUID is used (https://devcenter.heroku.com/articles/http-request-id).
/// </summary>
internal static class RequestIds
{
    public static bool IsValid(ReadOnlySpan<char> id)
    {
        if (id.Length is < 20 or > 200)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static string KeepOrCreate(string? incoming) =>
        incoming is not null && IsValid(incoming) ? incoming : NewId().ToString();

    /// <summary>
    /// A random (version 4, RFC 9562 section 5.4) UUID from <see cref="Random.Shared"/>. A request id must be unique,
    /// not secret, and <see cref="Guid.NewGuid"/> asks the kernel's CSPRNG (a <c>getrandom</c> system call per request).
    /// </summary>
    public static Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4: the high nibble of the third field (little-endian)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10
        return new Guid(bytes);
    }
}
