namespace Paas.Data;

/// <summary>The SQL databases the platform runs on.</summary>
public enum SqlDialect
{
    /// <summary>SQLite, a file in the data folder: the embedded, one-machine default.</summary>
    Sqlite,

    /// <summary>PostgreSQL (15 and later): production.</summary>
    PostgreSql,
}
