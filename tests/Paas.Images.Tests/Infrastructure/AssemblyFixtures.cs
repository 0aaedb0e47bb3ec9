// Each image is copied into podman's storage once for the whole run and removed at its end. As class fixtures, two
// classes copied the same layout under two names, at the same time as the other's removal at its end. As we read it, a
// copy that finds the image already stored only adds a name, and a removal that saw one name left deletes the image
// (CI, 2026-12-07: `podman run` found no localhost/paas-images-test/paasd:... right after its copy).
[assembly: AssemblyFixture(typeof(PaasdImage))]
[assembly: AssemblyFixture(typeof(PostgresqlImage))]
[assembly: AssemblyFixture(typeof(BuildImage))]
