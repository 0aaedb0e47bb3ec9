namespace Paas.Controller;

/// <summary>A login with a wrong username or password; answered 401 without saying which was wrong.</summary>
internal sealed class UnauthorizedLoginException() : Exception("invalid username or password");
