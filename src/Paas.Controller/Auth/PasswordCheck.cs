namespace Paas.Controller;

/// <summary>The outcome of checking a password.</summary>
internal enum PasswordCheck
{
    Wrong,
    Right,
    RightRehash,
}
