namespace Paas.Controller;

/// <summary>
/// The platform's settings, bound from the <c>Paas</c> configuration section. The platform executable maps
/// the environment variables named on each property into this section (environment wins over files).
/// </summary>
public sealed class PaasOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Paas";

    /// <summary>Data folder (<c>PAAS_DATA_DIR</c>): the SQLite database, git repositories, registry storage, logs. Default <c>~/.local/share/paas</c>.</summary>
    public string DataDir { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "paas");

    /// <summary>Port of the controller API and git endpoint (<c>PAAS_API_PORT</c>), default 7000; 0 picks a free port.</summary>
    public int ApiPort { get; set; } = 7000;

    /// <summary>Router HTTP port (<c>PAAS_HTTP_PORT</c>), default 8080; 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>Router HTTPS port (<c>PAAS_HTTPS_PORT</c>), default 8443; 0 picks a free port.</summary>
    public int HttpsPort { get; set; } = 8443;

    /// <summary>Integrated registry port (<c>PAAS_REGISTRY_PORT</c>), default 5000; 0 picks a free port.</summary>
    public int RegistryPort { get; set; } = 5000;

    /// <summary>The platform domain (<c>PAAS_DOMAIN</c>), default <c>localhost</c>: app <c>hello</c> answers at <c>hello.localhost</c>.</summary>
    public string Domain { get; set; } = "localhost";

    /// <summary>Database (<c>PAAS_DATABASE</c>): empty for the SQLite file in <see cref="DataDir"/>, else a PostgreSQL connection string.</summary>
    public string? Database { get; set; }

    /// <summary>
    /// The file of keys that encrypt stored secrets (<c>PAAS_SECRET_KEYS_FILE</c>), default <c>DATA_DIR/secret-keys</c>, created
    /// with one new key when missing. Format and rotation: <c>SecretKeyRing</c> and the README's "Security model".
    /// </summary>
    public string? SecretKeysFile { get; set; }

    /// <summary>The key file in use: <see cref="SecretKeysFile"/>, or <c>secret-keys</c> in <see cref="DataDir"/>.</summary>
    public string SecretKeysPath => SecretKeysFile is { Length: > 0 } file ? file : Path.Combine(DataDir, "secret-keys");

    /// <summary>Address the platform's ports listen on (<c>PAAS_LISTEN_ADDRESS</c>), default <c>127.0.0.1</c>; <c>0.0.0.0</c> for all interfaces.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The proxies in front of the API whose <c>X-Forwarded-For</c> is believed (<c>PAAS_TRUSTED_PROXIES</c>): addresses or
    /// CIDR ranges separated by commas (<c>10.42.0.0/16,192.0.2.7</c>), e.g. the ingress controller's pods or a load
    /// balancer that connects from its own address. A request from one of them is taken to come from the last address in
    /// its <c>X-Forwarded-For</c> that is not itself a trusted proxy (ASP.NET Core's forwarded headers middleware), which is
    /// what the sign-in throttle counts per address. Default empty: the header is ignored and the peer's address counts,
    /// so behind a proxy that is not listed every client shares the proxy's address (and its sign-in lockouts).
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary><see cref="TrustedProxies"/> as its entries: split at commas, trimmed, empty ones dropped.</summary>
    /// <returns>The entries as written.</returns>
    public IReadOnlyList<string> TrustedProxyEntries() => TrustedProxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><see cref="TrustedProxies"/> parsed: the networks, a single address as a /32 or /128.</summary>
    /// <returns>The networks; an entry that does not parse is left out (the options validator reports it).</returns>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxyNetworks() => [.. TrustedProxyEntries().Select(ParseNetwork).OfType<System.Net.IPNetwork>()];

    /// <summary>One <c>PAAS_TRUSTED_PROXIES</c> entry as a network, or null when it is neither an address nor a CIDR range.</summary>
    /// <param name="entry">The entry, e.g. <c>10.42.0.0/16</c> or <c>192.0.2.7</c>.</param>
    /// <returns>The network, or null.</returns>
    public static System.Net.IPNetwork? ParseNetwork(string entry) =>
        System.Net.IPNetwork.TryParse(entry, out var network) ? network
        : System.Net.IPAddress.TryParse(entry, out var address) ? new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
        : null;

    /// <summary>
    /// Who may register (<c>PAAS_REGISTRATION_MODE</c>): <c>admin_only</c> (default: after the first user, only admins
    /// register others), <c>enabled</c> (anyone) or <c>disabled</c> (nobody but the first user).
    /// </summary>
    public string RegistrationMode { get; set; } = "admin_only";

    /// <summary>
    /// What runs app processes (<c>PAAS_SCHEDULER</c>): <c>local</c> (default: processes on this machine), <c>podman</c>
    /// (containers of each release's image on this machine, settings under <c>Paas:Podman</c>) or <c>kubernetes</c>
    /// (Deployments on the cluster of <c>PAAS_KUBECONFIG</c>, or of the pod paasd runs in; settings under <c>Paas:Kubernetes</c>).
    /// </summary>
    public string Scheduler { get; set; } = "local";

    /// <summary>The URL apps answer at: <c>http://APP.DOMAIN[:HTTP_PORT]</c>.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>The URL.</returns>
    public string AppUrl(string app) => HttpPort == 80 ? $"http://{app}.{Domain}" : $"http://{app}.{Domain}:{HttpPort}";
}
