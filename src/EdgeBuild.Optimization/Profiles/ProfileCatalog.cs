using System.Text.Json.Nodes;

namespace EdgeBuild.Optimization.Profiles;

/// <summary>
/// The built-in device profiles, embedded as one JSON file each (Profiles/Catalog/ID.json).
/// Loaded and validated once; the catalog's order is the order `edgebuild profiles` lists.
/// </summary>
public static class ProfileCatalog
{
    /// <summary>Built-in target ids in listing order: boards first, then generic CPU families.</summary>
    public static IReadOnlyList<string> Ids { get; } =
        ["rpi5", "rpi4", "rpi-zero2w", "jetson-orin-nano", "x64-avx2", "x64-vnni", "arm64"];

    private const string ResourcePrefix = "EdgeBuild.Optimization.Profiles.Catalog.";

    private static readonly Lazy<IReadOnlyDictionary<string, (JsonObject Json, DeviceProfile Profile)>> Entries = new(LoadAll);

    public static IReadOnlyList<DeviceProfile> All => Ids.Select(id => Entries.Value[id].Profile).ToList();

    /// <summary>The built-in profile with this id (case-sensitive, as in Target="...").</summary>
    /// <exception cref="UnknownProfileException">No such id; the exception lists the known ids and a suggestion.</exception>
    public static DeviceProfile Get(string id) =>
        TryGet(id, out var profile) ? profile : throw new UnknownProfileException(id, Ids);

    public static bool TryGet(string id, out DeviceProfile profile)
    {
        if (Entries.Value.TryGetValue(id, out var entry))
        {
            profile = entry.Profile;
            return true;
        }

        profile = null!;
        return false;
    }

    /// <summary>A fresh copy of the built-in profile's JSON, the base a custom profile's "extends" merges onto.</summary>
    public static JsonObject GetJson(string id) =>
        Entries.Value.TryGetValue(id, out var entry)
            ? (JsonObject)entry.Json.DeepClone()
            : throw new UnknownProfileException(id, Ids);

    private static IReadOnlyDictionary<string, (JsonObject, DeviceProfile)> LoadAll()
    {
        var assembly = typeof(ProfileCatalog).Assembly;
        var result = new Dictionary<string, (JsonObject, DeviceProfile)>(StringComparer.Ordinal);
        foreach (var id in Ids)
        {
            var source = $"built-in profile '{id}'";
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + id + ".json")
                ?? throw new InvalidOperationException($"{source} is not embedded in {assembly.GetName().Name}; the build is broken");
            using var reader = new StreamReader(stream);
            var json = ProfileReader.ParseObject(reader.ReadToEnd(), source);
            var profile = ProfileReader.Read(json, source);
            if (profile.Id != id) throw new InvalidOperationException($"{source} says its id is '{profile.Id}'");
            result[id] = (json, profile);
        }

        return result;
    }
}
