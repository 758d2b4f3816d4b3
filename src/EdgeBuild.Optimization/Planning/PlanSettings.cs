using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeBuild.Optimization.Planning;

/// <summary>
/// Turns a step's typed settings record into the plan's string settings and back. Strings and enums (each with its own
/// name converter) stay plain text ("S8S8", "minMax"), everything else is its JSON ("true", "30", ["a","b"]); nulls are left out. So a plan
/// prints, serializes and hashes the same everywhere, and the step reads exactly what `--explain` showed.
/// </summary>
internal static class PlanSettings
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // A budget of -Infinity ("no floor") is a setting like any other.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static IEnumerable<KeyValuePair<string, string>> ToStrings<TSettings>(TSettings settings) where TSettings : class
    {
        foreach (var (key, value) in JsonSerializer.SerializeToNode(settings, Json)!.AsObject())
        {
            if (value is null) continue;
            yield return new(key, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString(Json));
        }
    }

    public static TSettings FromStrings<TSettings>(string stepId, IReadOnlyDictionary<string, string> settings) where TSettings : class
    {
        var properties = typeof(TSettings).GetProperties().ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), p => p.PropertyType, StringComparer.Ordinal);
        var json = new JsonObject();
        foreach (var (key, text) in settings)
        {
            if (!properties.TryGetValue(key, out var type))
                throw new InvalidOperationException($"plan step '{stepId}' has setting '{key}', which {typeof(TSettings).Name} does not declare");
            var plain = type == typeof(string) || (Nullable.GetUnderlyingType(type) ?? type).IsEnum || text is "NaN" or "Infinity" or "-Infinity";
            json[key] = plain ? JsonValue.Create(text) : JsonNode.Parse(text);
        }

        return json.Deserialize<TSettings>(Json) ?? throw new InvalidOperationException($"plan step '{stepId}' has no settings");
    }
}
