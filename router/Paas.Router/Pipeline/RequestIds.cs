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
        incoming is not null && IsValid(incoming) ? incoming : Guid.NewGuid().ToString();
}
