namespace Paas.Domain;

/// <summary>
/// Makes readable random app names like Heroku's (<c>brave-otter-4821</c>): adjective, noun and four
/// digits, always valid by <see cref="AppName"/> (at most 30 characters).
/// </summary>
public sealed class AppNameGenerator
{
    private static readonly string[] Adjectives =
    [
        "amber", "ancient", "autumn", "bold", "brave", "bright", "calm", "clever", "cosmic", "crimson",
        "daring", "dawn", "eager", "fancy", "fierce", "gentle", "golden", "happy", "hidden", "jolly",
        "keen", "lively", "lucky", "mellow", "misty", "noble", "polar", "proud", "quiet", "rapid",
        "royal", "rustic", "shiny", "silent", "sleepy", "snowy", "solar", "spry", "stellar", "sunny",
        "swift", "tidy", "twilight", "vast", "vivid", "warm", "wild", "wise", "young", "zesty",
    ];

    private static readonly string[] Nouns =
    [
        "badger", "beacon", "brook", "canyon", "cedar", "comet", "coral", "crane", "delta", "dune",
        "ember", "falcon", "fern", "fjord", "forest", "galaxy", "glacier", "harbor", "hawk", "heron",
        "island", "lagoon", "lantern", "maple", "meadow", "mesa", "meteor", "nebula", "oasis", "ocean",
        "orchid", "otter", "panda", "peak", "pine", "planet", "prairie", "raven", "reef", "river",
        "sequoia", "spire", "spring", "summit", "tundra", "valley", "willow", "wolf", "yak", "zephyr",
    ];

    private readonly Random _random;

    /// <summary>Creates a generator.</summary>
    /// <param name="random">Source of randomness; defaults to <see cref="Random.Shared"/> (tests pass a seeded one).</param>
    public AppNameGenerator(Random? random = null)
    {
        _random = random ?? Random.Shared;
    }

    /// <summary>Returns a new random name; the caller checks it is not taken and asks again if it is.</summary>
    /// <returns>A name such as <c>brave-otter-4821</c>.</returns>
    public string Next() =>
        $"{Adjectives[_random.Next(Adjectives.Length)]}-{Nouns[_random.Next(Nouns.Length)]}-{_random.Next(1000, 10000)}";
}
