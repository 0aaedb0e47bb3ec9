using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Paas.Oci;

namespace Paas.Registry.Tests.Infrastructure;

/// <summary>Small helpers over HttpClient for the distribution API.</summary>
public static class RegistryHttp
{
    public static async Task<Digest> PushBlobAsync(this HttpClient client, string repository, byte[] content)
    {
        var digest = Digest.Compute(content);
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.PostAsync($"/v2/{repository}/blobs/uploads/?digest={digest}", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return digest;
    }

    public static async Task<HttpResponseMessage> PutManifestAsync(this HttpClient client, string repository, string reference, byte[] manifest, string mediaType)
    {
        var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await client.PutAsync($"/v2/{repository}/manifests/{reference}", body);
    }

    /// <summary>Pushes a config and <paramref name="layers"/> random layers, then the manifest under <paramref name="tag"/>.</summary>
    public static async Task<(Digest Manifest, byte[] Bytes, ImageManifest Model)> PushImageAsync(this HttpClient client, string repository, string tag, int layers = 2, Descriptor? subject = null, string? artifactType = null)
    {
        var config = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray();
        var configDigest = await client.PushBlobAsync(repository, config);
        var layerDescriptors = new List<Descriptor>();
        for (var i = 0; i < layers; i++)
        {
            var layer = new byte[1024 + i];
            Random.Shared.NextBytes(layer);
            var digest = await client.PushBlobAsync(repository, layer);
            layerDescriptors.Add(new Descriptor { MediaType = MediaTypes.OciLayerTarGzip, Digest = digest, Size = layer.Length });
        }

        var model = new ImageManifest
        {
            ArtifactType = artifactType,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest, Size = config.Length },
            Layers = layerDescriptors,
            Subject = subject,
            Annotations = subject is null ? null : new Dictionary<string, string> { ["org.example.kind"] = "signature" },
        };
        var bytes = OciJson.Serialize(model);
        using var response = await client.PutManifestAsync(repository, tag, bytes, MediaTypes.OciManifest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var manifestDigest = Digest.Compute(bytes);
        Assert.Equal(manifestDigest.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
        return (manifestDigest, bytes, model);
    }

    /// <summary>Asserts the status and the first error code of an OCI error body.</summary>
    public static async Task AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(code, doc.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }
}
