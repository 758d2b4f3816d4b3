using System.Globalization;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Targets;

namespace EdgeBuild.Optimization.Manifest;

/// <summary>
/// Reads a model's public signature (graph inputs that are not initializers, graph outputs) and resolves
/// symbolic dims from the user's --dims first, then the target's defaults; what stays unresolved is -1.
/// </summary>
public static class SignatureReader
{
    public static IReadOnlyList<TensorSignature> Inputs(ModelProto model, IReadOnlyDictionary<string, long> dims, TargetSettings target)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i => Describe(i, dims, target)).ToList();
    }

    public static IReadOnlyList<TensorSignature> Outputs(ModelProto model, IReadOnlyDictionary<string, long> dims, TargetSettings target) =>
        model.Graph.Output.Select(o => Describe(o, dims, target)).ToList();

    /// <summary>Parses "N=1;H=640;W=640" (also accepts ',' between entries).</summary>
    public static IReadOnlyDictionary<string, long> ParseDims(string? text)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return result;
        foreach (var entry in text.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0 || !long.TryParse(entry[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
                throw new OptimizationInputException("EDGE0002", "--dims", $"'{entry}' is not NAME=positive integer", "Write dims as \"N=1;H=640;W=640\"");
            result[entry[..eq].Trim()] = value;
        }

        return result;
    }

    private static TensorSignature Describe(ValueInfoProto value, IReadOnlyDictionary<string, long> dims, TargetSettings target)
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
            long? resolved = name is not null && dims.TryGetValue(name, out var given) ? given : target.ResolveDim(name ?? "", axis);
            shape.Add(resolved ?? -1);
            names.Add(name);
        }

        return new TensorSignature(value.Name, elementType, shape, names);
    }
}
