using System.Data;
using System.Globalization;
using Dapper;

namespace Paas.Data;

/// <summary>
/// Maps timestamps both ways: PostgreSQL <c>timestamptz</c> takes UTC <see cref="DateTimeOffset"/> values;
/// SQLite keeps them as ISO 8601 UTC text (<c>2026-11-21T08:27:58.1234567Z</c>), which sorts correctly.
/// </summary>
internal sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    private const string SqliteFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        if (parameter is Npgsql.NpgsqlParameter)
        {
            parameter.Value = value.ToUniversalTime();
        }
        else
        {
            parameter.DbType = DbType.String;
            parameter.Value = value.UtcDateTime.ToString(SqliteFormat, CultureInfo.InvariantCulture);
        }
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTimeOffset dto => dto,
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new DataException($"cannot read a timestamp from a {value.GetType().Name}"),
    };
}
