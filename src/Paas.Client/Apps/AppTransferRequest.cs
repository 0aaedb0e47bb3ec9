namespace Paas.Client;

/// <summary>Body of <c>POST /v2/apps/{app}/transfer</c> (and Deis' <c>POST /v2/apps/{app}</c>).</summary>
/// <param name="Owner">Username of the new owner.</param>
public sealed record AppTransferRequest(string Owner);
