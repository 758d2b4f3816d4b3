using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeBuild.Optimization.Profiles;

/// <summary>Turns profile JSON into a validated <see cref="DeviceProfile"/>; every failure names the source and the field.</summary>
public static partial class ProfileReader
{
    public static JsonObject ParseObject(string json, string source)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new ProfileValidationException(source, [new ProfileFieldError("$", "the file must hold one JSON object")]);
        }
        catch (JsonException e)
        {
            throw new ProfileValidationException(source, [new ProfileFieldError("$", $"not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}")]);
        }
    }

    public static DeviceProfile Read(JsonObject json, string source)
    {
        DeviceProfile? profile;
        try
        {
            profile = json.Deserialize<DeviceProfile>(ProfileJson.Options);
        }
        catch (JsonException e)
        {
            throw new ProfileValidationException(source, [Translate(e)]);
        }

        if (profile is null) throw new ProfileValidationException(source, [new ProfileFieldError("$", "the file must hold one JSON object")]);
        ProfileValidator.Validate(profile, source);
        return profile;
    }

    /// <summary>System.Text.Json's messages name .NET types; say what is wrong in the file's terms instead.</summary>
    private static ProfileFieldError Translate(JsonException e)
    {
        var path = FieldPath(e.Path);
        var message = e.Message;

        var unmapped = UnmappedProperty().Match(message);
        if (unmapped.Success)
        {
            var field = unmapped.Groups[1].Value;
            var fullPath = path.EndsWith(field, StringComparison.Ordinal) ? path : Join(path, field);
            return new ProfileFieldError(fullPath, "is not a profile field; check its spelling (fields are camelCase, see docs/profiles.md)");
        }

        var missing = MissingRequired().Match(message);
        if (missing.Success)
        {
            var fields = missing.Groups[1].Value.TrimEnd('.').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return new ProfileFieldError(Join(path, fields[0].Trim('\'')), "is required"
                + (fields.Length > 1 ? $" (so are: {string.Join(", ", fields.Skip(1).Select(f => f.Trim('\'')))})" : ""));
        }

        var conversion = ConversionTarget().Match(message);
        if (conversion.Success)
        {
            var typeName = conversion.Groups[1].Value;
            var enumType = typeof(DeviceProfile).Assembly.GetType(typeName);
            var expected = enumType is { IsEnum: true }
                ? "one of " + string.Join(", ", Enum.GetNames(enumType).Select(n => enumType == typeof(QuantScheme) ? n : JsonNamingPolicy.CamelCase.ConvertName(n)))
                : "a " + FriendlyType(typeName);
            return new ProfileFieldError(path, $"has the wrong value; expected {expected}");
        }

        return new ProfileFieldError(path, "has the wrong value or type");
    }

    private static string FieldPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$") return "$";
        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return path.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }

    private static string Join(string path, string field) => path == "$" ? field : $"{path}.{field}";

    private static string FriendlyType(string typeName) => typeName switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "whole number",
        "System.Double" or "System.Nullable`1[System.Double]" => "number",
        "System.Boolean" => "true or false",
        "System.String" => "string",
        _ when typeName.Contains("IReadOnlyList", StringComparison.Ordinal) => "JSON array",
        _ when typeName.Contains("IReadOnlyDictionary", StringComparison.Ordinal) => "JSON object",
        _ => "JSON object",
    };

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("missing required properties,? including(?: the following)?: (.+)$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex("could not be converted to ([^\\s.]+(?:\\.[^\\s.]+)*(?:`1\\[[^\\]]+\\])?)\\.")]
    private static partial Regex ConversionTarget();
}
