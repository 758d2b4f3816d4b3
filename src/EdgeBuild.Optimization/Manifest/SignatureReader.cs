using System.Globalization;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Manifest;

/// <summary>
/// Reads a model's public signature (graph inputs that are not initializers, graph outputs) and resolves
/// symbolic dims from the user's --dims first, then the target's defaults; what stays unresolved is -1.
/// </summary>
public static class SignatureReader
{
    public static IReadOnlyList<TensorSignature> Inputs(ModelProto model, IReadOnlyDictionary<string, long> dims, DeviceProfile profile)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i => Describe(i, dims, profile)).ToList();
    }

    /// <summary>
    /// Output shapes. Output dims are rarely named like input dims, so when every input shape is resolved
    /// the model is run once on zeros to learn the concrete output shapes.
    /// </summary>
    public static IReadOnlyList<TensorSignature> Outputs(ModelProto model, IReadOnlyList<TensorSignature> inputs, IReadOnlyDictionary<string, long> dims, DeviceProfile profile)
    {
        var declared = model.Graph.Output.Select(o => Describe(o, dims, profile)).ToList();
        if (declared.All(o => o.Shape.All(d => d >= 0))) return declared;
        var probed = OutputShapeProbe.TryRun(model, inputs);
        if (probed is null) return declared;
        return declared.Select(o => probed.TryGetValue(o.Name, out var shape) && shape.Length == o.Shape.Count ? o with { Shape = shape } : o).ToList();
    }

    /// <summary>Largest .NET array length: the generated wrapper preallocates one buffer per input.</summary>
    private const long MaxBufferElements = 0x7FFFFFC7;

    /// <summary>
    /// An input whose resolved shape is negative or holds more elements than a .NET array could never be fed by the
    /// generated wrapper, whose generator would then call the manifest malformed. Refused before anything is written:
    /// EDGE0101 on the model when its own fixed dims are at fault, EDGE0002 on --dims when the user's values are.
    /// </summary>
    public static void EnsureBuffersFit(IReadOnlyList<TensorSignature> inputs, string modelPath)
    {
        foreach (var input in inputs)
        {
            var shape = $"[{string.Join(",", input.Shape)}]";
            if (input.Shape.Any(d => d < -1))
                throw new OptimizationInputException(DiagnosticCodes.InvalidModel, modelPath, $"input '{input.Name}' has a negative dimension in {shape}", "Fix the input's shape in the model (dims are positive, or symbolic)");
            if (input.Shape.Any(d => d < 0)) continue; // unresolved: the generator asks for a Dims value

            var fixedOnly = Elements(input.Shape.Where((_, i) => input.DimNames[i] is null));
            if (fixedOnly > MaxBufferElements)
                throw new OptimizationInputException(DiagnosticCodes.InvalidModel, modelPath, $"input '{input.Name}' has shape {shape}, more elements than a .NET array holds", "Fix the input's fixed dims in the model");
            if (Elements(input.Shape) > MaxBufferElements)
                throw new OptimizationInputException(DiagnosticCodes.Usage, "--dims", $"input '{input.Name}' would have shape {shape}, more elements than a .NET array holds", "Give its symbolic dims smaller values");
        }
    }

    private static long Elements(IEnumerable<long> dims) =>
        dims.Aggregate(1L, (n, d) => d == 0 ? 0 : n > MaxBufferElements / Math.Max(d, 1) ? MaxBufferElements + 1 : n * d);

    /// <summary>Parses "N=1;H=640;W=640" (also accepts ',' between entries); a name may be one tensor's axis, "input[1]=512".</summary>
    public static IReadOnlyDictionary<string, long> ParseDims(string? text)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return result;
        foreach (var entry in text.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0 || !long.TryParse(entry[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
                throw new OptimizationInputException(DiagnosticCodes.Usage, "--dims", $"'{entry}' is not NAME=positive integer", "Write dims as \"N=1;H=640;W=640\"");
            result[entry[..eq].Trim()] = value;
        }

        return result;
    }

    private static TensorSignature Describe(ValueInfoProto value, IReadOnlyDictionary<string, long> dims, DeviceProfile profile)
    {
        var tensorType = value.Type?.TensorType;
        var elementType = tensorType is null ? "undefined" : DType.Name(tensorType.ElemType);
        var shape = new List<long>();
        var names = new List<string?>();
        var axes = tensorType?.Shape?.Dim ?? [];
        for (var axis = 0; axis < axes.Count; axis++)
        {
            var d = axes[axis];
            if (d.HasDimValue)
            {
                shape.Add(d.DimValue);
                names.Add(null);
                continue;
            }

            var name = d.HasDimParam ? d.DimParam : null;
            var resolved = DeclaredDims.Lookup(value.Name, tensorType, axis, dims) ?? profile.DimDefaults.Resolve(name ?? "", axis);
            shape.Add(resolved ?? -1);
            names.Add(name);
        }

        return new TensorSignature(value.Name, elementType, shape, names);
    }
}
