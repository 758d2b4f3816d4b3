using EdgeBuild.Optimization.Planning;
using System.Text;
using System.Text.Json;

namespace EdgeBuild.Optimization.Manifest;

/// <summary>
/// Writes <see cref="SignatureManifest"/> as UTF-8 JSON without BOM, "\n" line endings, 2-space indentation
/// and keys in contract order, so identical inputs give identical bytes on every OS.
/// </summary>
public static class ManifestWriter
{
    public static byte[] ToBytes(SignatureManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SignatureManifest.SchemaVersion);
            w.WriteString("className", manifest.ClassName);
            WriteNullableString(w, "namespace", manifest.Namespace);
            w.WriteString("modelFileName", manifest.ModelFileName);
            w.WriteBoolean("embedded", manifest.Embedded);
            WriteNullableString(w, "resourceName", manifest.ResourceName);
            w.WriteString("sha256", manifest.Sha256);
            if (manifest.ExternalData is { } data)
            {
                // Only when there is one: manifests of self-contained models keep their bytes.
                w.WriteStartObject("externalData");
                w.WriteString("fileName", data.FileName);
                w.WriteString("sha256", data.Sha256);
                w.WriteEndObject();
            }

            w.WriteString("target", manifest.Target);
            w.WriteString("precision", manifest.Precision);

            var s = manifest.Session;
            w.WriteStartObject("session");
            w.WriteNumber("intraOpThreads", s.IntraOpThreads);
            w.WriteNumber("interOpThreads", s.InterOpThreads);
            w.WriteBoolean("allowSpinning", s.AllowSpinning);
            w.WriteBoolean("enableCpuMemArena", s.EnableCpuMemArena);
            w.WriteBoolean("enableMemoryPattern", s.EnableMemoryPattern);
            w.WriteString("graphOptimizationLevel", PlanValue.Of(s.GraphOptimizationLevel));
            w.WriteString("executionMode", PlanValue.Of(s.ExecutionMode));
            w.WriteStartArray("executionProviders");
            foreach (var ep in s.ExecutionProviders) w.WriteStringValue(ep);
            w.WriteEndArray();
            w.WriteEndObject();

            WriteTensors(w, "inputs", manifest.Inputs);
            WriteTensors(w, "outputs", manifest.Outputs);
            w.WriteEndObject();
        }

        // Utf8JsonWriter uses Environment.NewLine on .NET 8; the contract says "\n" everywhere.
        var text = Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
    }

    public static void Write(SignatureManifest manifest, string path) => ModelFiles.WriteAtomically(path, ToBytes(manifest));

    private static void WriteTensors(Utf8JsonWriter w, string name, IReadOnlyList<TensorSignature> tensors)
    {
        w.WriteStartArray(name);
        foreach (var t in tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            w.WriteString("elementType", t.ElementType);
            w.WriteStartArray("shape");
            foreach (var d in t.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteStartArray("dimNames");
            foreach (var d in t.DimNames)
            {
                if (d is null) w.WriteNullValue();
                else w.WriteStringValue(d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }
}
