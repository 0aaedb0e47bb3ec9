using System.Data.Common;

namespace Paas.Data;

/// <summary>
/// Inserts that may lose a race for a unique name (an app, a domain, a certificate): the database's unique constraint
/// decides, and a failed insert is reported as "taken" only when the name really exists now; any other error is thrown.
/// </summary>
internal static class UniqueInsert
{
    /// <summary>Runs <paramref name="insert"/>; on a database error, asks <paramref name="taken"/>.</summary>
    /// <returns>True when inserted; false when the name is taken.</returns>
    public static async Task<bool> TryAsync(Func<Task> insert, Func<Task<bool>> taken)
    {
        try
        {
            await insert().ConfigureAwait(false);
            return true;
        }
        catch (DbException)
        {
            if (await taken().ConfigureAwait(false))
            {
                return false;
            }

            throw;
        }
    }
}
