using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeBuild.Optimization.Caching;

/// <summary>
/// One byte sequence per JSON value: object keys sorted ordinally, no whitespace. Used to hash
/// profiles and options so that key order or formatting never changes a cache key.
/// </summary>
public static class CanonicalJson
{
    public static byte[] ToUtf8(JsonNode? node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            Write(writer, node);
        }

        return buffer.ToArray();
    }

    public static string ToText(JsonNode? node) => Encoding.UTF8.GetString(ToUtf8(node));

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
