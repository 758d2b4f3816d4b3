using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Budgets;

/// <summary>Concrete input shapes for the declared dims: the item's Dims first (<see cref="DeclaredDims"/>), then the profile's defaults.</summary>
public static class InputShapes
{
    /// <exception cref="ArgumentException">A symbolic dim has no value; the message names it and the fix.</exception>
    public static IReadOnlyDictionary<string, long[]> Resolve(GraphProto graph, IReadOnlyDictionary<string, long> dims, SymbolicDimDefaults? defaults)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
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
                shape[axis] = value ?? throw new ArgumentException(
                    $"dim {(name.Length > 0 ? $"'{name}'" : "(unnamed)")} of input '{input.Name}' (axis {axis}) has no value; "
                    + $"declare it, e.g. Dims=\"{(name.Length > 0 ? name : DeclaredDims.AxisKey(input.Name, axis))}=640\"");
            }

            shapes[input.Name] = shape;
        }

        return shapes;
    }
}
