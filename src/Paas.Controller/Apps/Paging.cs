using Microsoft.AspNetCore.Http;
using Paas.Client;

namespace Paas.Controller;

/// <summary>
/// Deis-style <c>?limit=&amp;offset=</c> paging of every list endpoint: limit 1-1000 (default 100), offset from 0; the answer's
/// <c>next</c>/<c>previous</c> are the paths of the neighbouring pages (null at the ends). Lists that grow with the platform
/// (apps, releases, builds, users, teams, an app's domains) are paged by the database; lists bounded by one app
/// (its processes, its permissions) or by the admin's certificates are read whole and sliced (<see cref="Slice{T}"/>).
/// </summary>
internal readonly record struct Paging(int Limit, int Offset)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static Paging From(int? limit, int? offset)
    {
        var l = limit ?? DefaultLimit;
        var o = offset ?? 0;
        if (l is < 1 or > MaxLimit)
        {
            throw Problems.Invalid($"limit={l} is out of range: use 1 to {MaxLimit}");
        }

        if (o < 0)
        {
            throw Problems.Invalid($"offset={o} is out of range: use 0 or more");
        }

        return new Paging(l, o);
    }

    /// <summary>The page of an in-memory list: its <see cref="Offset"/>..+<see cref="Limit"/> items, with the whole list's count.</summary>
    public PagedList<T> Slice<T>(HttpRequest request, IReadOnlyList<T> all) =>
        Page(request, all.Count, [.. all.Skip(Offset).Take(Limit)]);

    /// <summary>The answer for one page of <paramref name="count"/> items.</summary>
    public PagedList<T> Page<T>(HttpRequest request, int count, IReadOnlyList<T> items)
    {
        var path = request.Path.Value;
        var next = Offset + items.Count < count ? $"{path}?limit={Limit}&offset={Offset + Limit}" : null;
        var previous = Offset > 0 ? $"{path}?limit={Limit}&offset={Math.Max(0, Offset - Limit)}" : null;
        return new PagedList<T>(count, items, next, previous);
    }
}
