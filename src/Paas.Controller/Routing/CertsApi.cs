using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;
using Paas.Router.Tls;

namespace Paas.Controller;

/// <summary>
/// The <c>/v2/certs</c> routes (Deis Workflow's): upload TLS certificates, attach them to app domains, remove them.
/// Uploads are validated (key matches, valid now, names listed). Attaching needs the admin role on the domain's app.
/// </summary>
internal static partial class CertsApi
{
    public static IEndpointRouteBuilder MapCertsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/certs").WithTags("Certificates").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("Uploaded certificates (never their keys).");
        group.MapPost("/", AddAsync).WithSummary("Uploads a certificate chain and its key, validated first.");
        group.MapGet("/{name}", GetAsync).WithSummary("One certificate.");
        group.MapDelete("/{name}", RemoveAsync).WithSummary("Removes a certificate, detaching it from its domains.");
        group.MapPost("/{name}/domain", AttachAsync).WithSummary("Serves the certificate for a domain (by SNI).");
        group.MapDelete("/{name}/domain/{domain}", DetachAsync).WithSummary("Stops serving the certificate for a domain.");
        return endpoints;
    }

    private static CertificateInfo ToInfo(StoredCertificate c) => new(c.Name, c.Owner, c.Subject, c.Names, c.Fingerprint, c.ExpiresAt, c.CreatedAt, c.Domains);

    private static async Task<Ok<PagedList<CertificateInfo>>> ListAsync(int? limit, int? offset, HttpContext context, RoutingStore routing, CancellationToken cancellationToken)
    {
        var paging = Paging.From(limit, offset);
        var list = await routing.ListCertificatesAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(paging.Slice(context.Request, [.. list.Select(ToInfo)]));
    }

    private static async Task<Ok<CertificateInfo>> GetAsync(string name, RoutingStore routing, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToInfo(await FindAsync(name, routing, cancellationToken).ConfigureAwait(false)));

    private static async Task<Created<CertificateInfo>> AddAsync(CertificateCreateRequest request, HttpContext context, RoutingStore routing, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim().ToLowerInvariant() ?? "";
        if (!NamePattern().IsMatch(name))
        {
            throw Problems.Invalid($"'{request.Name}' is not a certificate name: use lower-case letters, digits and dashes (at most 63)");
        }

        var result = CertificateValidator.Validate(request.CertificateChain ?? "", request.Key ?? "");
        if (!result.IsValid)
        {
            throw Problems.Invalid("the certificate cannot be served: " + string.Join("; ", result.Problems));
        }

        var user = context.PaasUser();
        var certificate = new StoredCertificate(Ids.New(), name, user.Username, request.CertificateChain!, request.Key!, result.Subject, result.Names, result.Fingerprint, result.NotAfter!.Value, DateTimeOffset.UtcNow, []);
        if (!await routing.AddCertificateAsync(certificate, user.Id, cancellationToken).ConfigureAwait(false))
        {
            throw Problems.Conflict($"a certificate named '{name}' exists: remove it first or choose another name");
        }

        return TypedResults.Created($"/v2/certs/{name}", ToInfo(certificate));
    }

    private static async Task<NoContent> RemoveAsync(string name, HttpContext context, RoutingStore routing, CancellationToken cancellationToken)
    {
        var certificate = await FindAsync(name, routing, cancellationToken).ConfigureAwait(false);
        RequireOwner(certificate, context);
        await routing.DeleteCertificateAsync(certificate.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<CertificateInfo>> AttachAsync(string name, CertificateAttachRequest request, HttpContext context, AppAccess access, RoutingStore routing, CancellationToken cancellationToken)
    {
        var certificate = await FindAsync(name, routing, cancellationToken).ConfigureAwait(false);
        RequireOwner(certificate, context);
        var domain = await RequireDomainAdminAsync(request.Domain, context, access, routing, cancellationToken).ConfigureAwait(false);
        if (!certificate.Names.Any(n => Covers(n, domain.Domain)))
        {
            throw Problems.Invalid($"{name} does not cover {domain.Domain}: it is for {string.Join(", ", certificate.Names)}");
        }

        await routing.SetDomainCertificateAsync(domain.Domain, certificate.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ToInfo(await FindAsync(name, routing, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<NoContent> DetachAsync(string name, string domain, HttpContext context, AppAccess access, RoutingStore routing, CancellationToken cancellationToken)
    {
        var certificate = await FindAsync(name, routing, cancellationToken).ConfigureAwait(false);
        var found = await RequireDomainAdminAsync(domain, context, access, routing, cancellationToken).ConfigureAwait(false);
        if (found.Certificate != certificate.Name)
        {
            throw Problems.NotFound($"{name} is not attached to {found.Domain}");
        }

        await routing.SetDomainCertificateAsync(found.Domain, null, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<StoredCertificate> FindAsync(string name, RoutingStore routing, CancellationToken cancellationToken) =>
        await routing.FindCertificateAsync(name.ToLowerInvariant(), cancellationToken).ConfigureAwait(false)
            ?? throw Problems.NotFound(NoCertificate(name));

    /// <summary>The one answer for a certificate that does not exist and for someone else's: its existence and owner are not revealed.</summary>
    private static string NoCertificate(string name) => $"there is no certificate named '{name}' that you own: run 'paas certs' to list yours";

    private static void RequireOwner(StoredCertificate certificate, HttpContext context)
    {
        var user = context.PaasUser();
        if (!user.IsAdmin && certificate.Owner != user.Username)
        {
            throw Problems.NotFound(NoCertificate(certificate.Name));
        }
    }

    private static async Task<StoredDomain> RequireDomainAdminAsync(string? domain, HttpContext context, AppAccess access, RoutingStore routing, CancellationToken cancellationToken)
    {
        var normalized = (domain ?? "").Trim().TrimEnd('.').ToLowerInvariant();
        var found = await routing.FindDomainAsync(normalized, cancellationToken).ConfigureAwait(false)
            ?? throw Problems.NotFound($"no app has the domain '{domain}': add it first with 'paas domains:add {domain} -a APP'");
        await access.RequireAsync(found.App, context.PaasUser(), AppRole.Admin, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>Whether a certificate name covers a domain (RFC 6125 section 6.4.3: a wildcard matches one left-most label).</summary>
    private static bool Covers(string name, string domain) =>
        string.Equals(name, domain, StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith("*.", StringComparison.Ordinal) && domain.IndexOf('.', StringComparison.Ordinal) is var dot and > 0
            && string.Equals(name[2..], domain[(dot + 1)..], StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
