using Xunit;

namespace Paas.Testing.Ldap;

/// <summary>
/// Where OpenLDAP's programs, modules and schemas are on this machine (Debian's <c>slapd</c> and <c>ldap-utils</c>
/// packages; the Red Hat/source layouts are tried too). A missing piece skips the test, or fails it under <c>CI=true</c>,
/// where scripts/install-deps.sh must have installed it.
/// </summary>
/// <param name="Slapd">The slapd program.</param>
/// <param name="ToolDirectory">The folder holding ldapadd, ldapmodify and ldapdelete.</param>
/// <param name="ModuleDirectory">The folder holding back_mdb, memberof and refint modules.</param>
/// <param name="SchemaDirectory">The folder holding core.schema and friends.</param>
internal sealed record SlapdInstallation(string Slapd, string ToolDirectory, string ModuleDirectory, string SchemaDirectory)
{
    private static readonly Lazy<(SlapdInstallation? Found, string? Missing)> Probe = new(Find);

    public string Tool(string name) => Path.Combine(ToolDirectory, name);

    public static SlapdInstallation Require()
    {
        var (found, missing) = Probe.Value;
        if (found is not null)
        {
            return found;
        }

        var reason = $"OpenLDAP is not installed here ({missing}): apt-get install slapd ldap-utils (scripts/install-deps.sh)";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail("slapd is required in CI: " + reason);
        }

        Assert.Skip(reason);
        return null!;
    }

    private static (SlapdInstallation?, string?) Find()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var slapd = new[] { "/usr/sbin", "/usr/local/sbin", "/usr/libexec", "/usr/local/libexec" }.Concat(path)
            .Select(d => Path.Combine(d, "slapd")).FirstOrDefault(File.Exists);
        var tools = new[] { "/usr/bin", "/usr/local/bin" }.Concat(path).FirstOrDefault(d => File.Exists(Path.Combine(d, "ldapadd")));
        var modules = new[] { "/usr/lib/ldap", "/usr/lib64/openldap", "/usr/lib/openldap", "/usr/libexec/openldap", "/usr/local/libexec/openldap" }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "memberof.la")) || File.Exists(Path.Combine(d, "memberof.so")));
        var schemas = new[] { "/etc/ldap/schema", "/etc/openldap/schema", "/usr/local/etc/openldap/schema" }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "inetorgperson.schema")));
        var missing = new[] { (slapd, "slapd program"), (tools, "ldapadd"), (modules, "memberof module"), (schemas, "inetorgperson.schema") }
            .Where(x => x.Item1 is null).Select(x => x.Item2).ToList();
        return missing.Count > 0 ? (null, string.Join(", ", missing) + " not found") : (new SlapdInstallation(slapd!, tools!, modules!, schemas!), null);
    }
}
