namespace EdgeBuild.Runtime;

/// <summary>
/// Fits a device profile's thread settings to the host. A profile's thread count is the device's (rpi5: 4); on a
/// host or container with fewer usable cores, extra threads only preempt each other, and spinning ones steal the
/// cores the working ones need (measured: the rpi5 settings on a 2-core host ran the detector at 1.75× ORT's
/// default time). So the profile's counts are clamped to the usable cores and spinning is turned off when the
/// profile's threads would exceed them. Values the application sets in <see cref="EdgeSessionOptions"/> are kept
/// as given: it knows its host.
/// </summary>
internal static class ThreadBudget
{
    /// <summary>
    /// The cores this process may use. On .NET, <see cref="Environment.ProcessorCount"/> already applies the
    /// process's CPU affinity (sched_getaffinity) and a container's CPU quota (cgroup cpu.max, rounded up), and
    /// <c>DOTNET_PROCESSOR_COUNT</c> overrides it.
    /// </summary>
    public static int UsableCores => Environment.ProcessorCount;

    public readonly record struct Result(int? IntraOpThreads, int? InterOpThreads, bool? AllowSpinning, IReadOnlyList<string> Adjustments);

    public static Result Fit(EdgeSessionSettings profile, EdgeSessionOptions? overrides, int usableCores)
    {
        var adjustments = new List<string>();
        var intra = Clamp("intra-op", profile.IntraOpThreads, overrides?.IntraOpThreads, usableCores, adjustments, out var intraExceeds);
        var inter = Clamp("inter-op", profile.InterOpThreads, overrides?.InterOpThreads, usableCores, adjustments, out _);

        var spinning = overrides?.AllowSpinning ?? profile.AllowSpinning;
        if (overrides?.AllowSpinning is null && spinning != false && intraExceeds)
        {
            spinning = false;
            adjustments.Add($"spinning off: {profile.IntraOpThreads} intra-op threads would exceed the {usableCores} usable cores");
        }

        return new Result(intra, inter, spinning, adjustments);
    }

    private static int? Clamp(string kind, int? fromProfile, int? fromApp, int cores, List<string> adjustments, out bool exceeds)
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
            adjustments.Add($"{kind} threads {cores}: the profile's {wanted} clamped to the usable cores");
            return cores;
        }

        return fromProfile;
    }
}
