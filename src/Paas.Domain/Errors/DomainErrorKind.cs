namespace Paas.Domain;

/// <summary>The kinds of broken rules, each mapped to one HTTP status by the API.</summary>
public enum DomainErrorKind
{
    /// <summary>The input is malformed or out of range (400).</summary>
    Invalid,

    /// <summary>The thing named does not exist (404).</summary>
    NotFound,

    /// <summary>The caller may not do this (403).</summary>
    Forbidden,

    /// <summary>The request conflicts with the current state: a name taken, a change that changes nothing (409).</summary>
    Conflict,
}
