using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Benchmarking;
using EdgeBuild.Optimization.Tests.Support;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Runtime;

/// <summary>
/// ORT's profile goes where OpTimeProfile asks (the temp folder, or the folder a caller scoped), is read, and is deleted.
/// ORT's C# EnableProfiling setter passes the prefix it holds at that moment: set before the prefix, profiles went to
/// "onnxruntime_profile_*" in the working folder, whatever folder was asked for.
/// </summary>
public class OpTimeProfileTests
{
    private static OpTimeProfile Measure()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 8)
            .Initializer("w", OrtRun.Random(8 * 4, 1), 8, 4)
            .Node("MatMul", ["x", "w"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();
        using var x = OrtValue.CreateTensorValueFromMemory(OrtRun.Random(16, 2), [2, 8]);
        return OpTimeProfile.Measure(model.ToByteArray(), () => new SessionOptions(), [("x", x)], runs: 2);
    }

    [Fact]
    public void The_profile_is_written_to_the_folder_asked_for_read_and_deleted()
    {
        using var dir = new TempDir();
        var folder = dir.File("profiles");
        Directory.CreateDirectory(folder);

        OpTimeProfile profile;
        using (OpTimeProfile.WriteProfilesTo(folder))
        {
            profile = Measure();
        }

        Assert.Contains(profile.ByOpType, o => o.OpType == "MatMul");
        Assert.Empty(Directory.GetFileSystemEntries(folder)); // read, then deleted
    }

    /// <summary>Where the profile goes, proven by a folder that does not exist: ORT cannot write there, so reading it fails.</summary>
    [Fact]
    public void A_profile_folder_that_does_not_exist_fails_the_measurement_with_an_IOException()
    {
        using var dir = new TempDir();
        var missing = dir.File("missing");

        using (OpTimeProfile.WriteProfilesTo(missing))
        {
            var e = Assert.ThrowsAny<IOException>(Measure);
            Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(missing));
    }
}
