namespace Paas.Client;

/// <summary>Body of <c>POST /v2/certs/{name}/domain</c>: serve this certificate for one of an app's domains.</summary>
/// <param name="Domain">The domain (it must have been added to an app).</param>
public sealed record CertificateAttachRequest(string Domain);
