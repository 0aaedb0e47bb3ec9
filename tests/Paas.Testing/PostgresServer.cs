using System.Diagnostics;
using Npgsql;
using Xunit;

namespace Paas.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: started on first use (initdb + pg_ctl on a free loopback port, in
/// a temporary folder, as the <c>postgres</c> user when running as root, since initdb refuses root), stopped when the
/// test process exits. Each caller gets a fresh database. When <c>PAAS_TEST_POSTGRES</c> holds a connection string to a
/// server the test command started, that server is used instead.
/// </summary>
public static class PostgresServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _adminConnectionString;
    private static string? _unavailable;

    /// <summary>Creates an empty database and returns its connection string; skips the test when PostgreSQL is not installed (fails under CI).</summary>
    /// <returns>An Npgsql connection string.</returns>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await EnsureStartedAsync();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
    }

    private static async Task<string> EnsureStartedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_adminConnectionString is not null)
            {
                return _adminConnectionString;
            }

            if (_unavailable is null)
            {
                var given = Environment.GetEnvironmentVariable("PAAS_TEST_POSTGRES");
                _adminConnectionString = !string.IsNullOrEmpty(given) ? given : await StartClusterAsync();
                if (_adminConnectionString is not null)
                {
                    return _adminConnectionString;
                }
            }

            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail($"PostgreSQL is required in CI: {_unavailable}");
            }

            Assert.Skip(_unavailable!);
            return "";
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string?> StartClusterAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            _unavailable = "PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin/initdb): run scripts/install-deps.sh";
            return null;
        }

        var root = Path.Combine(Path.GetTempPath(), "paas-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", root]);
        }

        var data = Path.Combine(root, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-A", "trust", "-U", "postgres", "-D", data, "--no-sync"], asRoot);
        // Another port when a program took the one chosen between the choice and the bind (the server's log says so).
        var port = await LoopbackPort.StartOnFreePortsAsync(1, async ports =>
        {
            var log = Path.Combine(root, $"log-{ports[0]}");
            try
            {
                await RunAsync(Path.Combine(bin, "pg_ctl"), ["start", "-w", "-D", data, "-l", log, "-o", $"-p {ports[0]} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"], asRoot);
                return ports[0];
            }
            catch (InvalidOperationException e) when (File.Exists(log) && File.ReadAllText(log).Contains("Address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new IOException($"PostgreSQL could not listen on 127.0.0.1:{ports[0]}: address already in use", e);
            }
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                using var stop = Process.Start(Command(Path.Combine(bin, "pg_ctl"), ["stop", "-m", "immediate", "-D", data], asRoot));
                stop?.WaitForExit(10_000);
                Directory.Delete(root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                // best effort: the folder is in the temp directory
            }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50";
    }

    private static async Task RunAsync(string file, string[] args, bool asPostgres = false)
    {
        using var process = Process.Start(Command(file, args, asPostgres))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static ProcessStartInfo Command(string file, string[] args, bool asPostgres)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }
}
