namespace EdgeBuild.Runtime;

/// <summary>
/// Fits a device profile's thread settings to the host. A profile's thread count is the device's (rpi5: 4); on a
/// host or container with fewer usable cores, extra threads only preempt each other, and spinning ones steal the
/// cores the working ones need (measured: the rpi5 settings on a 2-core host ran the detector at 1.75× ORT's
/// default time). So when the profile's intra-op threads exceed the usable cores, the profile describes another
/// machine and the wrapper runs as a plain ONNX Runtime session would on this one:
/// <list type="bullet">
/// <item>if the process may use every CPU of the machine, the intra-op count is left to ONNX Runtime (its default:
/// the physical cores it detects, never more than the machine's CPUs) and spinning stays as the profile says, so the
/// session is ORT's default one. Measured on the 2-core dev host, where ORT detects one physical core: clamping to 2
/// threads instead ran the detector at 1.08–1.14× ORT's default wall time; and on a 2-core host with a 260 MiB L3,
/// turning spinning off there ran it at 1.16–1.30× ORT's default (workers woken per op instead of spinning);</item>
/// <item>if affinity or a CPU quota restricts it to fewer CPUs than the machine has (ORT's default would not see
/// that), the count is clamped to the usable cores and spinning is turned off: the other CPUs' owners need them.</item>
/// </list>
/// Values the application sets in <see cref="EdgeSessionOptions"/> are kept as given: it knows its host.
/// </summary>
internal static class ThreadBudget
{
    /// <summary>
    /// The cores this process may use. On .NET, <see cref="Environment.ProcessorCount"/> already applies the
    /// process's CPU affinity (sched_getaffinity) and a container's CPU quota (cgroup cpu.max, rounded up), and
    /// <c>DOTNET_PROCESSOR_COUNT</c> overrides it.
    /// </summary>
    public static int UsableCores => Environment.ProcessorCount;

    /// <summary>
    /// The machine's online CPUs, restrictions not applied (Linux <c>/sys/devices/system/cpu/online</c>, e.g. <c>0-3</c>);
    /// <see langword="null"/> where unknown, which counts as restricted.
    /// </summary>
    public static int? MachineCpus { get; } = ReadOnlineCpus("/sys/devices/system/cpu/online");

    public readonly record struct Result(int? IntraOpThreads, int? InterOpThreads, bool? AllowSpinning, IReadOnlyList<string> Adjustments);

    public static Result Fit(EdgeSessionSettings profile, EdgeSessionOptions? overrides, int usableCores, int? machineCpus)
    {
        var adjustments = new List<string>();
        var unrestricted = machineCpus is { } cpus && usableCores >= cpus;
        var intra = Clamp("intra-op", profile.IntraOpThreads, overrides?.IntraOpThreads, usableCores, unrestricted, adjustments, out var intraExceeds);
        var inter = Clamp("inter-op", profile.InterOpThreads, overrides?.InterOpThreads, usableCores, unrestricted: false, adjustments, out _);

        var spinning = overrides?.AllowSpinning ?? profile.AllowSpinning;
        if (overrides?.AllowSpinning is null && spinning != false && intraExceeds && !unrestricted)
        {
            spinning = false;
            adjustments.Add($"spinning off: {profile.IntraOpThreads} intra-op threads would exceed the {usableCores} usable cores");
        }

        return new Result(intra, inter, spinning, adjustments);
    }

    private static int? Clamp(string kind, int? fromProfile, int? fromApp, int cores, bool unrestricted, List<string> adjustments, out bool exceeds)
    {
        exceeds = false;
        if (fromApp is { } app)
        {
            if (app > cores) adjustments.Add($"{kind} threads {app} as the application set, above the {cores} usable cores");
            return app;
        }

        if (fromProfile is { } wanted && wanted > cores)
        {
            exceeds = true;
            if (unrestricted)
            {
                adjustments.Add($"{kind} threads ORT default (the physical cores ONNX Runtime detects): the profile's {wanted} exceed the {cores} usable cores");
                return null;
            }

            adjustments.Add($"{kind} threads {cores}: the profile's {wanted} clamped to the usable cores");
            return cores;
        }

        return fromProfile;
    }

    /// <summary>Counts a Linux CPU list such as <c>0-3,6</c>; <see langword="null"/> when the file is missing or unreadable.</summary>
    internal static int? ReadOnlineCpus(string path)
    {
        try
        {
            return File.Exists(path) ? CountCpuList(File.ReadAllText(path)) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static int? CountCpuList(string list)
    {
        var count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            if (!int.TryParse(range[0], out var first)) return null;
            var last = first;
            if (range.Length == 2 && !int.TryParse(range[1], out last)) return null;
            if (range.Length > 2 || last < first) return null;
            count += last - first + 1;
        }

        return count > 0 ? count : null;
    }
}
