using System.Text.RegularExpressions;

namespace EdgeBuild.Optimization.Profiles;

/// <summary>Checks what JSON deserialization cannot: nulls, ranges and fields that must agree with each other.</summary>
public static partial class ProfileValidator
{
    /// <summary>Execution providers ORT knows by these short names (the runtime maps them to its Append* calls).</summary>
    public static IReadOnlyList<string> KnownExecutionProviders { get; } =
        ["cpu", "cuda", "tensorrt", "xnnpack", "openvino", "qnn", "nnapi", "coreml", "dml", "rocm", "migraphx", "acl", "armnn"];

    public static void Validate(DeviceProfile profile, string source)
    {
        var errors = Check(profile);
        if (errors.Count > 0) throw new ProfileValidationException(source, errors);
    }

    public static List<ProfileFieldError> Check(DeviceProfile p)
    {
        var errors = new List<ProfileFieldError>();
        void Error(string path, string message) => errors.Add(new ProfileFieldError(path, message));

        if (string.IsNullOrEmpty(p.Id) || !IdPattern().IsMatch(p.Id))
            Error("id", $"'{p.Id}' is not a valid target id; use lower-case letters, digits and dashes");
        if (string.IsNullOrWhiteSpace(p.Description)) Error("description", "must not be empty");

        if (p.Cpu is null) Error("cpu", "is required");
        else
        {
            if (string.IsNullOrWhiteSpace(p.Cpu.Isa)) Error("cpu.isa", "must not be empty");
            if (p.Cpu.Features is null) Error("cpu.features", "must be a list, not null");
            if (p.Cpu.Cores is <= 0) Error("cpu.cores", $"must be positive, got {p.Cpu.Cores}");
            if (p.Cpu.MaxClockGHz is <= 0) Error("cpu.maxClockGHz", $"must be positive, got {p.Cpu.MaxClockGHz}");
            if (p.Cpu.L3CacheBytes is <= 0) Error("cpu.l3CacheBytes", $"must be positive, got {p.Cpu.L3CacheBytes}");
        }

        if (p.Memory is null) Error("memory", "must be an object, not null");
        else
        {
            if (p.Memory.MinRamBytes is <= 0) Error("memory.minRamBytes", $"must be positive, got {p.Memory.MinRamBytes}");
            if (p.Memory.MaxRamBytes is <= 0) Error("memory.maxRamBytes", $"must be positive, got {p.Memory.MaxRamBytes}");
            if (p.Memory.MinRamBytes > p.Memory.MaxRamBytes)
                Error("memory.minRamBytes", $"{p.Memory.MinRamBytes} is more than memory.maxRamBytes {p.Memory.MaxRamBytes}");
        }

        CheckPrecision(p.Precision, Error);
        CheckSession(p.Session, p.Cpu, Error);

        if (p.Budgets is null) Error("budgets", "must be an object, not null");
        else
        {
            if (p.Budgets.MaxModelBytes is <= 0) Error("budgets.maxModelBytes", $"must be positive, got {p.Budgets.MaxModelBytes}");
            if (p.Budgets.MaxPeakMemoryBytes is <= 0) Error("budgets.maxPeakMemoryBytes", $"must be positive, got {p.Budgets.MaxPeakMemoryBytes}");
            if (p.Budgets.MaxPeakMemoryBytes > p.Memory?.MaxRamBytes)
                Error("budgets.maxPeakMemoryBytes", $"{p.Budgets.MaxPeakMemoryBytes} is more than the device's RAM (memory.maxRamBytes {p.Memory!.MaxRamBytes})");
        }

        if (p.DimDefaults is null) Error("dimDefaults", "is required");
        else
        {
            if (p.DimDefaults.ByName is null) Error("dimDefaults.byName", "must be an object, not null");
            else
            {
                foreach (var (name, value) in p.DimDefaults.ByName)
                    if (value <= 0) Error($"dimDefaults.byName.{name}", $"must be positive, got {value}");
            }

            if (p.DimDefaults.LeadingAxis is <= 0) Error("dimDefaults.leadingAxis", $"must be positive, got {p.DimDefaults.LeadingAxis}");
        }

        if (p.Notes is null) Error("notes", "must be a list, not null");
        return errors;
    }

    private static void CheckPrecision(PrecisionPlan? plan, Action<string, string> error)
    {
        if (plan is null)
        {
            error("precision", "is required");
            return;
        }

        if (plan.DefaultPrecision == Precision.Auto)
            error("precision.defaultPrecision", "is what 'auto' resolves to, so it cannot be 'auto'; use int8, uint8, fp16, int4 or none");

        if (plan.FallbackAttempts < 1)
            error("precision.fallbackAttempts", $"must be at least 1 (attempts of the accuracy fallback), got {plan.FallbackAttempts}");
        if (plan.FallbackTimeBudget is { } seconds && !(seconds > 0 && double.IsFinite(seconds)))
            error("precision.fallbackTimeBudget", $"must be a positive number of seconds (the accuracy fallback's time budget), got {seconds}");
        if (plan.Int4BlockSize < 16 || (plan.Int4BlockSize & (plan.Int4BlockSize - 1)) != 0)
            error("precision.int4BlockSize", $"must be a power of two ≥ 16 (MatMulNBits' block_size), got {plan.Int4BlockSize}");

        var (activation, weight) = plan.Scheme switch
        {
            QuantScheme.S8S8 => (QuantType.Int8, QuantType.Int8),
            QuantScheme.U8S8 => (QuantType.Uint8, QuantType.Int8),
            _ => (QuantType.Uint8, QuantType.Uint8),
        };
        if (plan.ActivationType != activation)
            error("precision.activationType", $"scheme {plan.Scheme} means {Name(activation)} activations, got {Name(plan.ActivationType)}");
        if (plan.WeightType != weight)
            error("precision.weightType", $"scheme {plan.Scheme} means {Name(weight)} weights, got {Name(plan.WeightType)}");
    }

    private static void CheckSession(SessionSettings? session, CpuSpec? cpu, Action<string, string> error)
    {
        if (session is null)
        {
            error("session", "is required");
            return;
        }

        if (session.IntraOpThreads < 0) error("session.intraOpThreads", $"must be 0 (ORT default) or more, got {session.IntraOpThreads}");
        if (session.InterOpThreads < 0) error("session.interOpThreads", $"must be 0 (ORT default) or more, got {session.InterOpThreads}");
        if (cpu?.Cores is { } cores && session.IntraOpThreads > cores)
            error("session.intraOpThreads", $"{session.IntraOpThreads} threads on {cores} cores (cpu.cores) only adds contention");

        if (session.ExecutionProviders is null || session.ExecutionProviders.Count == 0)
        {
            error("session.executionProviders", "must list at least one execution provider, e.g. [\"cpu\"]");
            return;
        }

        for (var i = 0; i < session.ExecutionProviders.Count; i++)
        {
            var ep = session.ExecutionProviders[i];
            if (!KnownExecutionProviders.Contains(ep))
            {
                var suggestion = ClosestMatch.Find(ep ?? "", KnownExecutionProviders);
                error($"session.executionProviders[{i}]", $"unknown execution provider '{ep}'"
                    + (suggestion is null ? "" : $" (did you mean '{suggestion}'?)")
                    + $"; known: {string.Join(", ", KnownExecutionProviders)}");
            }
            else if (session.ExecutionProviders.Take(i).Contains(ep))
            {
                error($"session.executionProviders[{i}]", $"'{ep}' is listed twice");
            }
        }
    }

    private static string Name(QuantType type) => type == QuantType.Int8 ? "int8" : "uint8";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex IdPattern();
}
