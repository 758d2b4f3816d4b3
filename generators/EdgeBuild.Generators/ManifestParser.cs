using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using EdgeBuild.Generators.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace EdgeBuild.Generators;

/// <summary>
/// Reads one <c>*.edgemodel.json</c> manifest (docs/contracts.md section 1) into a <see cref="ModelSpec"/>,
/// choosing every C# name up front so the emitter only writes. Problems become <see cref="DiagnosticInfo"/>
/// pointing at the offending JSON value; a manifest with any error yields no spec.
/// </summary>
internal sealed class ManifestParser
{
    public const string FileSuffix = ".edgemodel.json";
    private const int SupportedSchemaVersion = 1;

    /// <summary>Names a tensor property must not take inside the nested tensor classes.</summary>
    private static readonly string[] TensorScopeReserved =
    {
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "ReferenceEquals", "Finalize",
        GeneratedMembers.InputTensors, GeneratedMembers.OutputTensors, GeneratedMembers.DynamicOutputs,
    };

    private static readonly Dictionary<string, string> OptimizationLevels = new(StringComparer.Ordinal)
    {
        ["disabled"] = "ORT_DISABLE_ALL",
        ["basic"] = "ORT_ENABLE_BASIC",
        ["extended"] = "ORT_ENABLE_EXTENDED",
        ["all"] = "ORT_ENABLE_ALL",
    };

    private static readonly Dictionary<string, string> ExecutionModes = new(StringComparer.Ordinal)
    {
        ["sequential"] = "ORT_SEQUENTIAL",
        ["parallel"] = "ORT_PARALLEL",
    };

    private readonly string _path;
    private readonly string _fileName;
    private readonly SourceText _text;
    private readonly List<DiagnosticInfo> _diagnostics = new();

    private ManifestParser(string path, SourceText text)
    {
        _path = path;
        _fileName = Path.GetFileName(path);
        _text = text;
    }

    public static bool IsManifest(string path) => path.EndsWith(FileSuffix, StringComparison.OrdinalIgnoreCase);

    public static ManifestResult Parse(string path, string? content, string? rootNamespace, CancellationToken cancellationToken)
    {
        var parser = new ManifestParser(path, SourceText.From(content ?? string.Empty));
        ModelSpec? model;
        try
        {
            model = content is null ? parser.Fail(null, "the file could not be read") : parser.ParseDocument(content, rootNamespace, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug here must not take the whole compilation's generator down (CS8785 hides the cause); say where it happened.
            model = parser.Fail(null, $"the generator failed reading it ({e.GetType().Name}: {e.Message}); please report this with the manifest attached");
        }

        return new ManifestResult(path, parser._diagnostics.Count == 0 ? model : null, parser._diagnostics.ToImmutableEquatableArray());
    }

    private ModelSpec? ParseDocument(string content, string? rootNamespace, CancellationToken cancellationToken)
    {
        JsonNode root;
        try
        {
            root = JsonReader.Parse(content);
        }
        catch (JsonReaderException e)
        {
            ReportAt(DiagnosticDescriptors.MalformedManifest, new TextSpan(Math.Min(e.Position, content.Length), 0), _fileName, "invalid JSON, " + e.Message);
            return null;
        }

        if (root is not JsonObject manifest) return Fail(root, "the document must be a JSON object");
        cancellationToken.ThrowIfCancellationRequested();

        var version = RequiredInt(manifest, "schemaVersion");
        if (version is { } v && v != SupportedSchemaVersion)
            return Fail(manifest.Get("schemaVersion"), $"schemaVersion {v} is not supported (this generator reads {SupportedSchemaVersion}); update the EdgeBuild package so the task and the generator match");

        var className = OptionalString(manifest, "className") ?? DefaultClassName();
        var ns = OptionalString(manifest, "namespace") ?? rootNamespace;
        if (string.IsNullOrWhiteSpace(ns)) ns = null;
        var modelFileName = RequiredString(manifest, "modelFileName");
        var embedded = OptionalBool(manifest, "embedded") ?? false;
        var resourceName = OptionalString(manifest, "resourceName");
        if (embedded && resourceName is null) Fail(manifest.Get("embedded"), "\"embedded\" is true but \"resourceName\" is missing");
        var sha256 = RequiredString(manifest, "sha256");
        if (sha256 is not null && !IsSha256(sha256)) Fail(manifest.Get("sha256"), "\"sha256\" must be 64 hexadecimal digits");
        var externalData = ParseExternalData(manifest.Get("externalData"));
        if (embedded && externalData is not null) Fail(manifest.Get("externalData"), "an embedded model cannot have \"externalData\"; rebuild the model without Embed or without external data");
        var target = OptionalString(manifest, "target");
        var precision = OptionalString(manifest, "precision");
        var session = ParseSession(manifest.Get("session"));
        var inputs = ParseTensors(manifest, "inputs", "input", allowEmpty: true);
        var outputs = ParseTensors(manifest, "outputs", "output", allowEmpty: false);

        CheckClassName(manifest, className);
        if (ns is not null && !CSharpNames.IsNamespace(ns))
            Report(DiagnosticDescriptors.InvalidIdentifier, manifest.Get("namespace") ?? manifest, _fileName, "namespace", ns);

        if (_diagnostics.Count > 0 || modelFileName is null || sha256 is null || inputs is null || outputs is null) return null;
        return AssignParameterNames(new ModelSpec(
            _fileName, ns, className, modelFileName, embedded ? resourceName : null, sha256.ToLowerInvariant(),
            target, precision, session, inputs, outputs, externalData));
    }

    /// <summary><c>"externalData": { "fileName": "X.onnx.data", "sha256": "…" }</c>, or null/absent for a self-contained model.</summary>
    private ExternalDataSpec? ParseExternalData(JsonNode? node)
    {
        if (node is null or JsonNull) return null;
        if (node is not JsonObject data)
        {
            Fail(node, "\"externalData\" must be an object with \"fileName\" and \"sha256\", or null");
            return null;
        }

        var fileName = RequiredString(data, "fileName");
        var sha256 = RequiredString(data, "sha256");
        if (fileName is not null && (fileName.Length == 0 || fileName.IndexOfAny(['/', '\\']) >= 0 || fileName is "." or ".."))
        {
            Fail(data.Get("fileName"), "\"externalData.fileName\" must be a plain file name next to the model");
            return null;
        }

        if (sha256 is not null && !IsSha256(sha256)) Fail(data.Get("sha256"), "\"externalData.sha256\" must be 64 hexadecimal digits");
        return fileName is null || sha256 is null ? null : new ExternalDataSpec(fileName, sha256.ToLowerInvariant());
    }

    private void CheckClassName(JsonObject manifest, string className)
    {
        if (CSharpNames.ClassNameProblem(className) is not null)
            Report(DiagnosticDescriptors.InvalidIdentifier, manifest.Get("className") ?? manifest, _fileName, "class name", className);
    }

    private string DefaultClassName()
    {
        var stem = _fileName.Substring(0, Math.Max(0, _fileName.Length - FileSuffix.Length));
        return PascalCase.ClassNameForFile(stem);
    }

    private SessionSpec ParseSession(JsonNode? node)
    {
        var empty = new SessionSpec(null, null, null, null, null, null, null, ImmutableEquatableArray<string>.Empty);
        if (node is null or JsonNull) return empty;
        if (node is not JsonObject session)
        {
            Fail(node, $"\"session\" must be an object, found {node.Kind}");
            return empty;
        }

        var providers = new List<string>();
        if (session.Get("executionProviders") is JsonArray array)
        {
            foreach (var item in array.Items)
            {
                if (item is JsonString s && s.Value.Length > 0) providers.Add(s.Value);
                else Fail(item, "\"session.executionProviders\" must hold provider names");
            }
        }
        else if (session.Get("executionProviders") is { } other and not JsonNull)
        {
            Fail(other, $"\"session.executionProviders\" must be an array, found {other.Kind}");
        }

        return new SessionSpec(
            PositiveInt(session, "intraOpThreads"),
            PositiveInt(session, "interOpThreads"),
            OptionalBool(session, "allowSpinning"),
            OptionalBool(session, "enableCpuMemArena"),
            OptionalBool(session, "enableMemoryPattern"),
            Choice(session, "graphOptimizationLevel", OptimizationLevels),
            Choice(session, "executionMode", ExecutionModes),
            providers.ToImmutableEquatableArray());
    }

    private ImmutableEquatableArray<TensorSpec>? ParseTensors(JsonObject manifest, string key, string kind, bool allowEmpty)
    {
        var node = manifest.Get(key);
        if (node is not JsonArray array)
        {
            Fail(node ?? manifest, node is null ? $"\"{key}\" is missing" : $"\"{key}\" must be an array, found {node.Kind}");
            return null;
        }

        if (!allowEmpty && array.Items.Count == 0)
        {
            Fail(array, $"\"{key}\" is empty; a model has at least one {kind}");
            return null;
        }

        var properties = new UniqueNames(TensorScopeReserved, "Length", "Shape", "Name");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new List<TensorSpec>();
        foreach (var item in array.Items)
        {
            if (item is not JsonObject tensor)
            {
                Fail(item, $"each of \"{key}\" must be an object, found {item.Kind}");
                continue;
            }

            var name = RequiredString(tensor, "name");
            if (name is null) continue;
            if (name.Length == 0 || !seen.Add(name))
            {
                Fail(tensor.Get("name"), name.Length == 0 ? $"an {kind} has an empty name" : $"{kind} '{name}' is listed twice");
                continue;
            }

            var spec = ParseTensor(tensor, kind, name, properties.Claim(PascalCase.From(name, "Value")));
            if (spec is not null) tensors.Add(spec);
        }

        return tensors.ToImmutableEquatableArray();
    }

    private TensorSpec? ParseTensor(JsonObject tensor, string kind, string name, string propertyName)
    {
        var typeName = RequiredString(tensor, "elementType");
        var elementType = typeName is null ? null : ElementTypes.Find(typeName);
        if (typeName is not null && elementType is null)
            Report(DiagnosticDescriptors.UnsupportedElementType, tensor.Get("elementType")!, kind, name, _fileName, typeName);

        if (tensor.Get("shape") is not JsonArray shapeNode)
        {
            Fail(tensor.Get("shape") ?? tensor, $"{kind} '{name}' needs a \"shape\" array");
            return null;
        }

        var dimNames = new string?[shapeNode.Items.Count];
        switch (tensor.Get("dimNames"))
        {
            case null or JsonNull:
                break;
            case JsonArray names when names.Items.Count == dimNames.Length:
                for (var i = 0; i < dimNames.Length; i++)
                {
                    if (names.Items[i] is JsonString s) dimNames[i] = s.Value;
                    else if (names.Items[i] is not JsonNull) Fail(names.Items[i], $"\"dimNames\" of {kind} '{name}' must hold strings or null");
                }

                break;
            case var other:
                Fail(other, $"\"dimNames\" of {kind} '{name}' must be an array as long as \"shape\"");
                break;
        }

        var shape = new long[dimNames.Length];
        long length = 1;
        var resolved = true;
        for (var i = 0; i < shape.Length; i++)
        {
            var dimNode = shapeNode.Items[i];
            if (dimNode is not JsonNumber number || !number.TryGetInt64(out var dim) || dim < -1 || dim == 0)
            {
                Fail(dimNode, $"dim {i} of {kind} '{name}' must be a positive integer (or -1 for an unresolved symbolic dim)");
                resolved = false;
                continue;
            }

            if (dim == -1)
            {
                Report(DiagnosticDescriptors.UnresolvedSymbolicDim, dimNode, dimNames[i] ?? $"axis {i}", kind, name, _fileName);
                resolved = false;
                continue;
            }

            shape[i] = dim;
            length = length > int.MaxValue / dim ? long.MaxValue : length * dim;
        }

        if (resolved && length > 0x7FFFFFC7)
        {
            Fail(shapeNode, $"{kind} '{name}' has {length} elements, more than a .NET array holds");
            return null;
        }

        if (!resolved || elementType is null) return null;
        return new TensorSpec(
            name, elementType, shape.ToImmutableEquatableArray(), dimNames.ToImmutableEquatableArray(), (int)length,
            propertyName, ParameterNamePlaceholder);
    }

    /// <summary>Parameter names are chosen across inputs and outputs together, after both are parsed.</summary>
    internal const string ParameterNamePlaceholder = "";

    private string? RequiredString(JsonObject obj, string key)
    {
        var node = obj.Get(key);
        if (node is JsonString s) return s.Value;
        Fail(node ?? obj, node is null ? $"\"{key}\" is missing" : $"\"{key}\" must be a string, found {node.Kind}");
        return null;
    }

    private string? OptionalString(JsonObject obj, string key)
    {
        var node = obj.Get(key);
        if (node is null or JsonNull) return null;
        if (node is JsonString s) return s.Value;
        Fail(node, $"\"{key}\" must be a string or null, found {node.Kind}");
        return null;
    }

    private bool? OptionalBool(JsonObject obj, string key)
    {
        var node = obj.Get(key);
        if (node is null or JsonNull) return null;
        if (node is JsonBoolean b) return b.Value;
        Fail(node, $"\"{key}\" must be true or false, found {node.Kind}");
        return null;
    }

    private long? RequiredInt(JsonObject obj, string key)
    {
        var node = obj.Get(key);
        if (node is JsonNumber n && n.TryGetInt64(out var value)) return value;
        Fail(node ?? obj, node is null ? $"\"{key}\" is missing" : $"\"{key}\" must be an integer");
        return null;
    }

    private int? PositiveInt(JsonObject obj, string key)
    {
        var node = obj.Get(key);
        if (node is null or JsonNull) return null;
        if (node is JsonNumber n && n.TryGetInt64(out var value) && value >= 0 && value <= int.MaxValue) return (int)value;
        Fail(node, $"\"session.{key}\" must be a non-negative integer (0 lets ONNX Runtime choose)");
        return null;
    }

    private string? Choice(JsonObject obj, string key, Dictionary<string, string> choices)
    {
        var node = obj.Get(key);
        if (node is null or JsonNull) return null;
        if (node is JsonString s && choices.TryGetValue(s.Value, out var member)) return member;
        Fail(node, $"\"session.{key}\" must be one of {string.Join(", ", choices.Keys)}");
        return null;
    }

    private static bool IsSha256(string value)
    {
        if (value.Length != 64) return false;
        foreach (var c in value)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
        }

        return true;
    }

    private ModelSpec? Fail(JsonNode? node, string problem)
    {
        ReportAt(DiagnosticDescriptors.MalformedManifest, node is null ? default : TextSpan.FromBounds(node.Start, node.End), _fileName, problem);
        return null;
    }

    private void Report(DiagnosticDescriptor descriptor, JsonNode node, params string[] args) =>
        ReportAt(descriptor, TextSpan.FromBounds(node.Start, node.End), args);

    private void ReportAt(DiagnosticDescriptor descriptor, TextSpan span, params string[] args) =>
        _diagnostics.Add(new DiagnosticInfo(descriptor, _path, span, _text.Lines.GetLinePositionSpan(span), args.ToImmutableEquatableArray()));

    /// <summary>Chooses the copying Run overload's parameter names: unique across inputs and outputs.</summary>
    private static ModelSpec AssignParameterNames(ModelSpec model)
    {
        var names = new UniqueNames(Array.Empty<string>(), "Shape");
        TensorSpec Assign(TensorSpec t)
        {
            var camel = Identifiers.ToParameterName(t.PropertyName).TrimStart('@');
            var unique = names.Claim(camel);
            return t with { ParameterName = Identifiers.ToParameterName(unique) };
        }

        var inputs = new List<TensorSpec>();
        foreach (var t in model.Inputs) inputs.Add(Assign(t));
        var outputs = new List<TensorSpec>();
        foreach (var t in model.Outputs) outputs.Add(Assign(t));
        return model with { Inputs = inputs.ToImmutableEquatableArray(), Outputs = outputs.ToImmutableEquatableArray() };
    }

    internal static string FormatInvariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
