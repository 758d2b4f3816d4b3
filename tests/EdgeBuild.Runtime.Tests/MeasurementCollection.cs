namespace EdgeBuild.Runtime.Tests;

/// <summary>
/// Tests that time runs or flip the process-wide telemetry switch: run alone, after the parallel ones, so other
/// tests neither compete for the two cores nor see the switch off.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasurementCollection
{
    public const string Name = "Measurements";
}
