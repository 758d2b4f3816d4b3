using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Planning;

/// <summary>The one-line "why" behind a profile's int8 scheme, from its facts (DESIGN.md "Quantization facts").</summary>
internal static class DeviceRationale
{
    public static string WhyScheme(DeviceProfile profile, QuantScheme scheme, PrecisionPlan plan)
    {
        var cause = Cause(profile);
        var layout = plan.PerChannel ? "per-channel" : "per-tensor";
        var range = plan.ReduceRange ? "reduce_range (7-bit weights)" : "no reduce_range";
        var activations = plan.SymmetricActivations ? ", symmetric activations (zero point 0)" : "";
        return $"{profile.Id}: {cause} → {scheme} QDQ {layout}, {range}{activations}";
    }

    private static string Cause(DeviceProfile p)
    {
        if (p.Session.ExecutionProviders.FirstOrDefault() == "tensorrt") return "TensorRT int8 is symmetric";
        var cpu = p.Cpu;
        if (cpu.Architecture == CpuArchitecture.Arm64)
        {
            var isa = cpu.Isa.Replace("armv", "Armv", StringComparison.Ordinal).Replace("-a", "", StringComparison.Ordinal);
            return cpu.HasFeature("dotprod")
                ? $"{isa} dotprod (sdot, no saturation)"
                : $"{isa} without dotprod (int8 gains smaller; measure)";
        }

        return cpu.HasFeature("vnni")
            ? "VNNI (int32 accumulation, no saturation; ORT's x64 U8S8 kernels 3-10x faster than S8S8)"
            : "AVX2 without VNNI (VPMADDUBSW saturates int16)";
    }
}
