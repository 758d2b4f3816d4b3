using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Benchmarking;

/// <summary>
/// How an S8S8 file for an ARM target (rpi5) is timed on an x64 host: as its U8S8 twin. ORT's x64 QLinearConv with int8
/// activations runs a slow generic path (2-3x slower than float32 here), while the Cortex-A76 runs S8S8 natively with sdot:
/// timing the file as it is on x64 would charge every integer Conv a cost the device never pays. The twin shifts every
/// activation zero point by 128 (int8 q + 128 = uint8 q, so every dequantized value is bit for bit the same) and leaves
/// the int8 weights alone, which is exactly the U8S8 form ORT's x64 kernels are built for (VPDPBUSD is u8 x s8). It
/// times the same graph, the same fusions and the same integer/float split as the device's file; only the kernel
/// flavour differs, so its ratios against float32 stand for the ARM ratios (they are not the Pi's absolute times).
/// </summary>
public static class UnsignedActivationTwin
{
    /// <summary>A copy of <paramref name="model"/> with uint8 activations; weights (initializers read by a DequantizeLinear) stay int8.</summary>
    public static ModelProto Of(ModelProto model)
    {
        var twin = model.Clone();
        var graph = twin.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var shifted = new Dictionary<string, string>(StringComparer.Ordinal);
        var retyped = new HashSet<string>(StringComparer.Ordinal);

        string? Unsigned(string zeroPoint)
        {
            if (shifted.TryGetValue(zeroPoint, out var known)) return known;
            if (!initializers.TryGetValue(zeroPoint, out var zp) || zp.DataType != DType.Int8) return null;
            var values = Tensors.ToArray<sbyte>(zp).Select(v => (byte)(v + 128)).ToArray();
            var name = zeroPoint + "_u8";
            var tensor = Tensors.FromUInt8s(name, values, [.. zp.Dims]);
            graph.Initializer.Add(tensor);
            initializers[name] = tensor;
            return shifted[zeroPoint] = name;
        }

        foreach (var node in graph.Node)
        {
            // An activation Q/DQ: Q always (weights are stored quantized, never quantized at run time); a DQ unless it reads an initializer.
            var activation = node.OpType == "QuantizeLinear" || (node.OpType == "DequantizeLinear" && !initializers.ContainsKey(node.Input[0]));
            if (!activation || node.Input.Count < 3 || Unsigned(node.Input[2]) is not { } zp) continue;
            node.Input[2] = zp;
            if (node.OpType == "QuantizeLinear") retyped.Add(node.Output[0]);
        }

        foreach (var info in graph.ValueInfo.Where(v => retyped.Contains(v.Name) && v.Type?.TensorType is not null))
            info.Type.TensorType.ElemType = DType.Uint8;
        var unused = shifted.Keys.Where(old => !graph.Node.Any(n => n.Input.Contains(old))).ToHashSet(StringComparer.Ordinal);
        foreach (var dead in graph.Initializer.Where(t => unused.Contains(t.Name)).ToList()) graph.Initializer.Remove(dead);
        return twin;
    }

    /// <summary>Whether timing a file for <paramref name="target"/> on this host needs the twin: S8S8 for ARM, measured on x64.</summary>
    public static bool Needed(Profiles.DeviceProfile? target) =>
        Runtime.Sessions.ForcesInt8QdqFusion(target) && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is
            System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.X86;
}
