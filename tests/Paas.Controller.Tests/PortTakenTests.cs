using System.Net;
using System.Net.Sockets;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>paasd started on a port something else holds (issue "The first hour", item 4: Debian's docker-registry service on 5000).</summary>
public sealed class PortTakenTests
{
    [Fact]
    public async Task A_taken_port_stops_paasd_with_exit_71_naming_the_variable_that_sets_it()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var ports = LoopbackPort.FreeDistinct(3);
        var data = Directory.CreateTempSubdirectory("paas-port-taken-").FullName;
        try
        {
            var (code, output) = await PaasdCommand.RunAsync(new Dictionary<string, string>
            {
                ["PAAS_DATA_DIR"] = data,
                ["PAAS_API_PORT"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PAAS_HTTP_PORT"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PAAS_HTTPS_PORT"] = ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PAAS_REGISTRY_PORT"] = taken.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });

            Assert.True(code == 71, output);
            Assert.Contains($"Port {taken} is PAAS_REGISTRY_PORT: stop what listens there", output, StringComparison.Ordinal);
            Assert.Contains($"or set PAAS_REGISTRY_PORT to a free port", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
