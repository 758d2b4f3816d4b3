using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>Concrete input shapes for the declared dims: the item's Dims first (<see cref="DeclaredDims"/>), then the profile's defaults.</summary>
public static class InputShapes
{
    /// <exception cref="ArgumentException">Symbolic dims have no value; the message names every one of them and the fix.</exception>
    public static IReadOnlyDictionary<string, long[]> Resolve(GraphProto graph, IReadOnlyDictionary<string, long> dims, SymbolicDimDefaults? defaults)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        // All of them at once: a model exported with several free dims (PaddleOCR's recognizers: '?' for the height,
        // another for the width) would otherwise take one failed build per dim to declare.
        var missing = new List<(string Description, string Key)>();
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            var declared = input.Type?.TensorType?.Shape?.Dim;
            if (declared is null) throw new ArgumentException($"input '{input.Name}' declares no shape; memory cannot be estimated for it");
            var shape = new long[declared.Count];
            for (var axis = 0; axis < declared.Count; axis++)
            {
                var dim = declared[axis];
                if (dim.HasDimValue && dim.DimValue > 0)
                {
                    shape[axis] = dim.DimValue;
                    continue;
                }

                var name = dim.HasDimParam ? dim.DimParam : "";
                var value = DeclaredDims.Lookup(input.Name, input.Type?.TensorType, axis, dims) ?? defaults?.Resolve(name, axis);
                if (value is { } known) shape[axis] = known;
                else missing.Add(($"{(name.Length > 0 ? $"'{name}'" : "(unnamed)")} of input '{input.Name}' (axis {axis})", name.Length > 0 ? name : DeclaredDims.AxisKey(input.Name, axis)));
            }

            shapes[input.Name] = shape;
        }

        if (missing.Count == 0) return shapes;
        var example = string.Join(";", missing.Select(m => m.Key).Distinct(StringComparer.Ordinal).Select(k => k + "=640"));
        throw new ArgumentException(missing.Count == 1
            ? $"dim {missing[0].Description} has no value; declare it, e.g. Dims=\"{example}\""
            : $"dims {string.Join(", ", missing.Take(missing.Count - 1).Select(m => m.Description))} and {missing[^1].Description} have no value; declare them, e.g. Dims=\"{example}\"");
    }
}
