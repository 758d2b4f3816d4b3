using System.Text.Json.Nodes;

namespace EdgeBuild.Optimization.Profiles;

/// <summary>
/// Reads a custom profile file (<c>Profile="profiles/board.json"</c>, <c>--profile FILE</c>).
/// The file may name a built-in profile in "extends" and give only what differs: objects are merged
/// field by field, arrays and values replace the base's, and null removes an optional figure.
/// </summary>
public static class CustomProfileLoader
{
    public const string ExtendsField = "extends";

    /// <summary>
    /// Loads and validates <paramref name="path"/>. When the file has no "extends" and
    /// <paramref name="defaultBaseId"/> is given (the item's Target), it extends that built-in profile.
    /// The id defaults to the file name without extension.
    /// </summary>
    public static DeviceProfile Load(string path, string? defaultBaseId = null)
    {
        if (!File.Exists(path))
            throw new ProfileValidationException(path, [new ProfileFieldError("$", "the profile file does not exist; check the Profile/--profile path")]);

        var custom = ProfileReader.ParseObject(File.ReadAllText(path), path);
        return Resolve(custom, path, defaultBaseId);
    }

    public static DeviceProfile Resolve(JsonObject custom, string source, string? defaultBaseId = null)
    {
        custom = (JsonObject)custom.DeepClone();
        string? baseId = defaultBaseId;
        if (custom.TryGetPropertyValue(ExtendsField, out var extendsNode))
        {
            baseId = extendsNode is JsonValue value && value.TryGetValue<string>(out var text)
                ? text
                : throw new ProfileValidationException(source, [new ProfileFieldError(ExtendsField, "must be the id of a built-in profile, e.g. \"rpi5\"")]);
            custom.Remove(ExtendsField);
        }

        JsonObject merged;
        if (baseId is null) merged = custom;
        else
        {
            if (!ProfileCatalog.TryGet(baseId, out _))
            {
                var unknown = new UnknownProfileException(baseId, ProfileCatalog.Ids);
                throw new ProfileValidationException(source, [new ProfileFieldError(ExtendsField,
                    $"'{baseId}' is not a built-in profile" + (unknown.Suggestion is null ? "" : $" (did you mean '{unknown.Suggestion}'?)")
                    + $"; known: {string.Join(", ", ProfileCatalog.Ids)}")]);
            }

            merged = ProfileCatalog.GetJson(baseId);
            MergeInto(merged, custom);
        }

        if (!custom.ContainsKey("id")) merged["id"] = Path.GetFileNameWithoutExtension(source);
        if (baseId is not null && !custom.ContainsKey("description"))
            merged["description"] = $"{merged["description"]} (customized by {Path.GetFileName(source)})";

        return ProfileReader.Read(merged, source);
    }

    private static void MergeInto(JsonObject target, JsonObject overrides)
    {
        foreach (var (key, value) in overrides.ToList())
        {
            if (value is JsonObject childOverrides && target[key] is JsonObject childTarget)
            {
                MergeInto(childTarget, childOverrides);
                continue;
            }

            target[key] = value?.DeepClone();
        }
    }
}
