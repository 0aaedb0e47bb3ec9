namespace Paas.Client;

/// <summary>
/// Body of <c>POST /v2/users</c> (admins): adds a directory user ahead of its first sign-in, so apps can be shared with
/// it, and so it may sign in when unknown directory users may not (<c>Paas:Ldap:AllowUnknownUsers</c> false).
/// </summary>
/// <param name="Username">The user's platform username: the value of the directory's username attribute (<c>uid</c>, <c>sAMAccountName</c>), lower case.</param>
public sealed record UserCreateRequest(string Username);
