namespace Paas.Data;

/// <summary>Makes row ids: random UUIDs, version 7 (time-ordered, RFC 9562) so inserts stay local in indexes.</summary>
public static class Ids
{
    /// <summary>A new id, as 36 characters (<c>0192f5e4-...</c>).</summary>
    /// <returns>The id.</returns>
    public static string New() => Guid.CreateVersion7().ToString();
}
