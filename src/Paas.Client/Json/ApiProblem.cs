namespace Paas.Client;

/// <summary>
/// An error answer of the API: an RFC 7807 problem details document
/// (<c>application/problem+json</c>).
/// </summary>
/// <param name="Type">A URI naming the kind of problem; <c>about:blank</c> when the status says it all.</param>
/// <param name="Title">A short summary of the kind of problem (e.g. "Not Found").</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">What went wrong and what to do about it, in one sentence a person can act on.</param>
/// <param name="Errors">Per-field validation messages (field name to messages), when the request was invalid.</param>
public sealed record ApiProblem(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    IReadOnlyDictionary<string, string[]>? Errors = null);
