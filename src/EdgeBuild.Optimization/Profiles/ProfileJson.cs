using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeBuild.Optimization.Profiles;

/// <summary>The one JSON shape of profiles: camelCase keys, enum names as strings, unknown keys rejected, nulls left out.</summary>
public static class ProfileJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(DeviceProfile profile) =>
        JsonSerializer.Serialize(profile, Options).ReplaceLineEndings("\n");

    public static JsonNode ToNode(DeviceProfile profile) =>
        JsonSerializer.SerializeToNode(profile, Options)!;
}

/// <summary>Enum as camelCase name ("extended", "int8"); integers are rejected so a typo never becomes a silent value.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>Enum under its exact C# name ("S8S8"), for names that are acronyms.</summary>
public sealed class ExactNameEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
