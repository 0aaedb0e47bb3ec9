using Xunit;

namespace Paas.Testing;

/// <summary>The databases the shared suites run against.</summary>
public static class Backend
{
    /// <summary>The embedded default.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>Production's database, a throwaway server started by <see cref="PostgresServer"/>.</summary>
    public const string Postgres = "postgres";

    /// <summary>Theory data: every backend.</summary>
    public static TheoryData<string> All => [Sqlite, Postgres];

    /// <summary>The <c>Paas:Database</c> setting for <paramref name="backend"/>: empty for SQLite, a fresh PostgreSQL database otherwise.</summary>
    /// <param name="backend"><see cref="Sqlite"/> or <see cref="Postgres"/>.</param>
    /// <returns>The setting's value.</returns>
    public static async Task<string> DatabaseSettingAsync(string backend) =>
        backend == Postgres ? await PostgresServer.CreateDatabaseAsync() : "";
}
