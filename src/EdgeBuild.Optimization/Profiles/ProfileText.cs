using System.Globalization;
using System.Text;
using EdgeBuild.Optimization.Reporting;

namespace EdgeBuild.Optimization.Profiles;

/// <summary>The human-readable views of profiles: one line per profile for lists, a block for `profiles show`.</summary>
public static class ProfileText
{
    public static string Summary(DeviceProfile p)
    {
        var cpu = p.Cpu.Cores is { } cores ? $"{cores}x {p.Cpu.CoreName ?? p.Cpu.Isa}" : p.Cpu.Isa;
        return $"{p.Id,-18} {Lower(p.Cpu.Architecture),-6} {cpu,-16} {Scheme(p.Precision),-34} {string.Join(",", p.Session.ExecutionProviders)}";
    }

    public static string SummaryHeader => $"{"TARGET",-18} {"ARCH",-6} {"CPU",-16} {"INT8",-34} PROVIDERS";

    public static string Scheme(PrecisionPlan plan)
    {
        var text = $"{plan.Scheme} {plan.Format.ToString().ToUpperInvariant()}";
        if (plan.PerChannel) text += " per-channel";
        if (plan.ReduceRange) text += " reduce_range";
        return text;
    }

    public static string Details(DeviceProfile p)
    {
        var s = new StringBuilder();
        void Line(string label, string? value)
        {
            if (value is not null) s.Append(CultureInfo.InvariantCulture, $"  {label,-28}{value}\n");
        }

        s.Append(CultureInfo.InvariantCulture, $"{p.Id}: {p.Description}\n");
        s.Append("cpu\n");
        Line("architecture", Lower(p.Cpu.Architecture));
        Line("isa", p.Cpu.Isa);
        Line("features", string.Join(", ", p.Cpu.Features));
        Line("core", p.Cpu.CoreName);
        Line("cores", p.Cpu.Cores?.ToString(CultureInfo.InvariantCulture));
        Line("max clock", p.Cpu.MaxClockGHz is { } ghz ? ghz.ToString("0.0##", CultureInfo.InvariantCulture) + " GHz" : null);
        Line("L3 cache", p.Cpu.L3CacheBytes is { } l3 ? ByteSize.Format(l3) : null);
        Line("accelerator", p.Accelerator);
        s.Append("memory\n");
        Line("RAM", RamRange(p.Memory) ?? "not specified");
        if (p.Memory.SharedWithAccelerator) Line("shared with accelerator", "yes");
        s.Append("precision\n");
        Line("default precision", Lower(p.Precision.DefaultPrecision));
        Line("scheme", Scheme(p.Precision));
        Line("activations", $"{Lower(p.Precision.ActivationType)}, {(p.Precision.SymmetricActivations ? "symmetric" : "asymmetric")}");
        Line("weights", $"{Lower(p.Precision.WeightType)}, {(p.Precision.SymmetricWeights ? "symmetric" : "asymmetric")}{(p.Precision.PerChannel ? ", per-channel" : ", per-tensor")}");
        Line("reduce_range", p.Precision.ReduceRange ? "yes" : "no");
        Line("fp16 accelerated", p.Precision.Fp16Accelerated ? "yes" : "no");
        Line("data-free MatMul", p.Precision.DataFreeMatMul == DataFreeMatMul.DynamicInt8 ? "dynamic int8 kernels" : "int8 weights computed in float");
        s.Append("session (on the device)\n");
        Line("execution providers", string.Join(" > ", p.Session.ExecutionProviders));
        Line("intra-op threads", p.Session.IntraOpThreads == 0 ? "0 (ORT default: one per physical core)" : p.Session.IntraOpThreads.ToString(CultureInfo.InvariantCulture));
        Line("inter-op threads", p.Session.InterOpThreads.ToString(CultureInfo.InvariantCulture));
        Line("spinning", p.Session.AllowSpinning ? "allowed" : "off");
        Line("CPU memory arena", p.Session.EnableCpuMemArena ? "on" : "off");
        Line("memory pattern", p.Session.EnableMemoryPattern ? "on" : "off");
        Line("graph optimization", Lower(p.Session.GraphOptimizationLevel));
        Line("execution mode", Lower(p.Session.ExecutionMode));
        s.Append("build\n");
        Line("dim defaults", DimDefaults(p.DimDefaults));
        s.Append("budgets\n");
        Line("model file", p.Budgets.MaxModelBytes is { } m ? ByteSize.Format(m) : "none");
        Line("peak memory", p.Budgets.MaxPeakMemoryBytes is { } r ? ByteSize.Format(r) : "none");
        if (p.Notes.Count > 0)
        {
            s.Append("notes\n");
            foreach (var note in p.Notes) s.Append("  - ").Append(note).Append('\n');
        }

        return s.ToString();
    }

    private static string? RamRange(MemorySpec m) => (m.MinRamBytes, m.MaxRamBytes) switch
    {
        (null, null) => null,
        ({ } min, { } max) when min == max => ByteSize.Format(min),
        (var min, var max) => $"{(min is { } a ? ByteSize.Format(a) : "?")} - {(max is { } b ? ByteSize.Format(b) : "?")}",
    };

    private static string DimDefaults(SymbolicDimDefaults d)
    {
        var parts = d.ByName.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}").ToList();
        if (d.LeadingAxis is { } lead) parts.Add($"leading input axis={lead}");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    private static string Lower<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
