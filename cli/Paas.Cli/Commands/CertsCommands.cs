using System.CommandLine;
using Paas.Cli.Hosting;
using Paas.Cli.Output;
using Paas.Client;

namespace Paas.Cli.Commands;

/// <summary><c>certs</c>, <c>certs:add</c>, <c>certs:attach</c>, <c>certs:detach</c>, <c>certs:remove</c>: TLS certificates served by SNI.</summary>
internal static class CertsCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [List(context), Add(context), Attach(context), Detach(context), Remove(context)];

    private static Command List(CliContext context)
    {
        var json = CommonOptions.Json();
        var command = new Command("certs", "List uploaded TLS certificates") { json };
        command.Aliases.Add("certs:list");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var certs = await context.Client().ListCertificatesAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                context.WriteJson(certs);
                return ExitCodes.Ok;
            }

            context.Out.Write(KeyValueList.Heading("Certificates"));
            context.Out.Write(TextTable.Format(certs.Results.Select(c => (IReadOnlyList<string>)[c.Name, string.Join(",", c.Names), "expires " + c.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), c.Domains.Count == 0 ? "(not attached)" : string.Join(",", c.Domains)]).ToList()));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "A name for the certificate (lower-case letters, digits, dashes)" };
        var cert = new Argument<FileInfo>("CERT.pem") { Description = "The certificate chain, PEM (leaf first)" };
        var key = new Argument<FileInfo>("KEY.pem") { Description = "The private key, PEM" };
        var command = new Command("certs:add", "Upload a TLS certificate and its key") { name, cert, key };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var certFile = parse.GetValue(cert)!;
            var keyFile = parse.GetValue(key)!;
            foreach (var file in new[] { certFile, keyFile })
            {
                if (!file.Exists)
                {
                    throw new CliException($"{file.FullName} does not exist", ExitCodes.Usage);
                }
            }

            var request = new CertificateCreateRequest(parse.GetValue(name)!, await File.ReadAllTextAsync(certFile.FullName, cancellationToken), await File.ReadAllTextAsync(keyFile.FullName, cancellationToken));
            var client = context.Client();
            await Progress.RunAsync(context, $"Adding certificate {request.Name}", () => client.AddCertificateAsync(request, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Attach(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The certificate" };
        var domain = new Argument<string>("DOMAIN") { Description = "A domain added to an app with domains:add" };
        var command = new Command("certs:attach", "Serve a certificate for a domain") { name, domain };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (n, d) = (parse.GetValue(name)!, parse.GetValue(domain)!);
            var client = context.Client();
            await Progress.RunAsync(context, $"Attaching {n} to {d}", () => client.AttachCertificateAsync(n, d, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Detach(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The certificate" };
        var domain = new Argument<string>("DOMAIN") { Description = "The domain" };
        var command = new Command("certs:detach", "Stop serving a certificate for a domain") { name, domain };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (n, d) = (parse.GetValue(name)!, parse.GetValue(domain)!);
            var client = context.Client();
            await Progress.RunAsync(context, $"Detaching {n} from {d}", () => client.DetachCertificateAsync(n, d, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The certificate" };
        var command = new Command("certs:remove", "Remove a certificate (detaching it everywhere)") { name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var n = parse.GetValue(name)!;
            var client = context.Client();
            await Progress.RunAsync(context, $"Removing certificate {n}", () => client.RemoveCertificateAsync(n, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
