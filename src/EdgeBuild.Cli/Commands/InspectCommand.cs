using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Inspection;

namespace EdgeBuild.Cli.Commands;

/// <summary>`edgebuild inspect MODEL [--json]`: what a model takes, gives, uses and weighs.</summary>
public sealed class InspectCommand : ICommand
{
    public string Name => "inspect";

    public Command Create(CliConsole console)
    {
        var model = CliOptions.File("MODEL", "path to an .onnx file");
        var json = CliOptions.Json("the summary (keys: path, protobufBytes, irVersion, producer, domain, modelVersion, opsetImports, inputs, " +
                                   "outputs, nodeCount, subgraphCount, opHistogram, parameters, externalDataFiles; a shape uses -1 for a dim without " +
                                   "a value, its name is in dimNames)");
        // The first sentence is what `edgebuild --help` lists; the rest shows in `edgebuild inspect --help`.
        var command = new Command("inspect",
            "Show a model's inputs, outputs, opsets, operators, parameters and external data.\n" +
            "Inputs and outputs with element types and dims (symbolic names kept), opset imports, producer, operator histogram " +
            "(including If/Loop/Scan bodies), parameter count and bytes per element type (initializers and Constant-node tensors), and " +
            "the external data files it reads. Exit codes: 0 ok, 2 bad input or usage (unreadable model: EDGE0101, bad external data: EDGE0102).")
        {
            model,
            json,
        };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(json), console.Stdout, console.Stderr));
        return command;
    }

    private static int Run(string path, bool json, TextWriter stdout, TextWriter stderr)
    {
        ModelSummary summary;
        try
        {
            summary = ModelSummarizer.Summarize(ModelFile.LoadWithDetails(path));
        }
        catch (ModelFormatException e)
        {
            var code = e.Kind == ModelProblemKind.ExternalData ? DiagnosticCodes.ExternalData : DiagnosticCodes.InvalidModel;
            stderr.WriteLine($"{e.FilePath}: error {code}: {OneLine(e.Problem)}. {OneLine(e.Fix)}.");
            return ExitCodes.BadInput;
        }

        if (json) WriteJson(summary, stdout);
        else WriteText(summary, stdout);
        return ExitCodes.Ok;
    }

    /// <summary>Diagnostics are one line each: a problem quoting hostile bytes must not break that.</summary>
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static void WriteJson(ModelSummary s, TextWriter stdout)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("path", s.Path);
            w.WriteNumber("protobufBytes", s.ProtobufBytes);
            w.WriteNumber("irVersion", s.IrVersion);
            w.WriteStartObject("producer");
            w.WriteString("name", s.ProducerName);
            w.WriteString("version", s.ProducerVersion);
            w.WriteEndObject();
            w.WriteString("domain", s.Domain);
            w.WriteNumber("modelVersion", s.ModelVersion);
            w.WriteStartArray("opsetImports");
            foreach (var o in s.OpsetImports)
            {
                w.WriteStartObject();
                w.WriteString("domain", o.Domain);
                w.WriteNumber("version", o.Version);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteValues(w, "inputs", s.Inputs);
            WriteValues(w, "outputs", s.Outputs);
            w.WriteNumber("nodeCount", s.NodeCount);
            w.WriteNumber("subgraphCount", s.SubgraphCount);
            w.WriteStartObject("opHistogram");
            foreach (var op in s.OpHistogram) w.WriteNumber(op.Op, op.Count);
            w.WriteEndObject();
            w.WriteStartObject("parameters");
            w.WriteNumber("count", s.Parameters.Count);
            w.WriteNumber("bytes", s.Parameters.Bytes);
            w.WriteStartArray("byElementType");
            foreach (var t in s.Parameters.ByElementType)
            {
                w.WriteStartObject();
                w.WriteString("elementType", t.ElementType);
                w.WriteNumber("count", t.Count);
                w.WriteNumber("bytes", t.Bytes);
                w.WriteNumber("tensors", t.Tensors);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("externalDataFiles");
            foreach (var f in s.ExternalDataFiles)
            {
                w.WriteStartObject();
                w.WriteString("location", f.Location);
                w.WriteNumber("bytes", f.Bytes);
                w.WriteNumber("tensors", f.TensorCount);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        stdout.Write(Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n"));
        stdout.Write('\n');
    }

    private static void WriteValues(Utf8JsonWriter w, string name, IReadOnlyList<ValueSummary> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStartObject();
            w.WriteString("name", v.Name);
            w.WriteString("elementType", v.ElementType);
            if (v.Shape is null)
            {
                w.WriteNull("shape");
                w.WriteNull("dimNames");
            }
            else
            {
                w.WriteStartArray("shape");
                foreach (var d in v.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("dimNames");
                foreach (var n in v.DimNames!)
                {
                    if (n is null) w.WriteNullValue();
                    else w.WriteStringValue(n);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteText(ModelSummary s, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"model      {s.Path} ({s.ProtobufBytes.ToString("N0", inv)} bytes)");
        o.WriteLine($"ir_version {s.IrVersion}");
        o.WriteLine($"producer   {(s.ProducerName.Length == 0 ? "(none)" : $"{s.ProducerName} {s.ProducerVersion}".TrimEnd())}");
        o.WriteLine($"opsets     {string.Join(", ", s.OpsetImports.Select(i => $"{(i.Domain.Length == 0 ? "ai.onnx" : i.Domain)} {i.Version}"))}");
        o.WriteLine("inputs");
        foreach (var v in s.Inputs) o.WriteLine($"  {v.Name}  {v.ElementType}  {Dims(v)}");
        o.WriteLine("outputs");
        foreach (var v in s.Outputs) o.WriteLine($"  {v.Name}  {v.ElementType}  {Dims(v)}");
        o.WriteLine($"parameters {s.Parameters.Count.ToString("N0", inv)} ({s.Parameters.Bytes.ToString("N0", inv)} bytes)");
        foreach (var t in s.Parameters.ByElementType)
            o.WriteLine($"  {t.ElementType,-10} {t.Count.ToString("N0", inv),15} values {t.Bytes.ToString("N0", inv),15} bytes in {t.Tensors} tensors");
        o.WriteLine($"operators  {s.NodeCount} nodes in {s.SubgraphCount + 1} graph(s)");
        foreach (var op in s.OpHistogram) o.WriteLine($"  {op.Op,-24} {op.Count,6}");
        o.WriteLine(s.ExternalDataFiles.Count == 0 ? "external data: none" : "external data");
        foreach (var f in s.ExternalDataFiles) o.WriteLine($"  {f.Location}  {f.Bytes.ToString("N0", inv)} bytes, {f.TensorCount} tensors");
    }

    private static string Dims(ValueSummary v) =>
        v.Shape is null ? "(unknown shape)" : "[" + string.Join(", ", v.Shape.Select((d, i) => v.DimNames![i] ?? (d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))) + "]";
}
