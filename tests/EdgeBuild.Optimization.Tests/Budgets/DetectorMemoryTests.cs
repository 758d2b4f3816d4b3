using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Budgets;

/// <summary>Peak-RSS measurements need the process to themselves: this collection runs alone.</summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;

[Collection(nameof(MemoryMeasurementCollection))]
public class DetectorMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Estimated_peak_for_the_detector_at_640x640_is_within_25_percent_of_onnx_runtime_measured_peak()
    {
        const int threads = 2;
        // The detector's dims are p2o.DynamicDimension.{0,1,2}; batch comes from the profile's leading-axis default.
        var dims = new Dictionary<string, long> { ["p2o.DynamicDimension.1"] = 640, ["p2o.DynamicDimension.2"] = 640 };
        var estimate = MemoryEstimator.Estimate(TestAssets.Detector, dims, ProfileCatalog.Get("rpi5").DimDefaults, threads);
        Assert.Equal(["x=[1,3,640,640]"], estimate.InputShapes);

        var measured = OrtPeakMemory.Measure(TestAssets.Detector, "x", [1, 3, 640, 640], threads);
        var ratio = (double)estimate.EstimatedPeakBytes / measured;
        output.WriteLine($"estimate {estimate.EstimatedPeakBytes / 1e6:F1} MB (weights {estimate.InitializerBytes / 1e6:F1} + activations {estimate.PeakActivationBytes / 1e6:F1} at {estimate.PeakNode}); ORT measured {measured / 1e6:F1} MB; ratio {ratio:F2}");
        Assert.InRange(ratio, 0.75, 1.25);
    }
}
