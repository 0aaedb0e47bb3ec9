using System.Runtime.InteropServices;

namespace Paas.Ldap;

/// <summary>
/// Process-wide libldap defaults that <c>System.DirectoryServices.Protocols</c> does not expose. On Linux it turns on
/// <c>LDAP_OPT_RESTART</c> (0x09, <c>ldap_set_option(NULL, …)</c> sets the default of every later connection): without
/// it, a signal arriving while libldap waits in <c>poll()</c> (SIGCHLD whenever one of paasd's child processes, git, a
/// buildpack or an app, exits) makes a healthy server look down (result 81). Observed against slapd, see
/// <c>tests/Paas.Testing/Ldap/README.md</c>. Does nothing elsewhere, or when libldap cannot be found.
/// </summary>
internal static class LibLdapDefaults
{
    private const int OptRestart = 0x09;
    private static readonly Lazy<bool> Applied = new(Apply);

    /// <summary>Whether the option was set (once per process).</summary>
    public static bool EnsureApplied() => Applied.Value;

    private static unsafe bool Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        foreach (var name in new[] { "libldap-2.5.so.0", "libldap.so.2", "libldap-2.4.so.2" })
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "ldap_set_option", out var export))
            {
                // LDAP_OPT_ON is any non-NULL pointer for boolean options; libldap does not dereference it.
                var setOption = (delegate* unmanaged<IntPtr, int, IntPtr, int>)export;
                return setOption(IntPtr.Zero, OptRestart, new IntPtr(1)) == 0;
            }
        }

        return false;
    }
}
