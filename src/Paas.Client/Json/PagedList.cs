namespace Paas.Client;

/// <summary>
/// A page of a list resource, shaped like Deis Workflow's lists:
/// <c>{"count": 12, "next": "...?limit=10&amp;offset=10", "previous": null, "results": [...]}</c>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Count">How many items the whole list holds (not just this page).</param>
/// <param name="Results">The items of this page, in the resource's order.</param>
/// <param name="Next">Relative URL of the next page, or null on the last page.</param>
/// <param name="Previous">Relative URL of the previous page, or null on the first page.</param>
public sealed record PagedList<T>(int Count, IReadOnlyList<T> Results, string? Next = null, string? Previous = null);
