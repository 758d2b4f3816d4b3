namespace EdgeBuild.Optimization.Profiles;

/// <summary>RAM of the device. Boards sold with several RAM sizes give the smallest and largest.</summary>
public sealed record MemorySpec
{
    public long? MinRamBytes { get; init; }

    public long? MaxRamBytes { get; init; }

    /// <summary>CPU and GPU share the same memory (Jetson): the model's memory competes with the app's.</summary>
    public bool SharedWithAccelerator { get; init; }
}
