namespace Paas.Client;

/// <summary>
/// Body of <c>POST /v2/apps/{app}/config</c>: <c>{"values": {"FOO": "bar", "OLD": null}}</c> sets FOO and
/// unsets OLD in one new release. Names are POSIX environment names (<c>[A-Za-z_][A-Za-z0-9_]*</c>).
/// A change that changes nothing answers 409 Conflict.
/// </summary>
/// <param name="Values">Name to new value; a null value unsets the name.</param>
public sealed record ConfigUpdateRequest(IReadOnlyDictionary<string, string?> Values);
