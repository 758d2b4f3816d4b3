using EdgeBuild.Tests.Shared;
using System.Runtime.InteropServices;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Tests.Support;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace EdgeBuild.Optimization.Tests.Proofs;

/// <summary>
/// Acceptance 4 past protobuf's 2 GB: a 2.1 GB model (necessarily stored with external data) goes through
/// `optimize --precision none` and comes out with external data, loadable by ORT; int8 refuses it clearly. Opt-in (EDGEBUILD_LARGE_MODEL_TESTS=1):
/// it writes and reads ~4.5 GB and needs ~8 GB of memory.
/// </summary>
public sealed class LargeModelTests(ITestOutputHelper output)
{
    public const string OptInVariable = "EDGEBUILD_LARGE_MODEL_TESTS";

    [OptInFact(OptInVariable, "optimizes a 2.1 GB model, ~8 GB of memory")]
    public void A_model_over_2_gb_is_optimized_at_precision_none_into_external_data()
    {
        using var dir = new TempDir();
        var source = dir.File("large.onnx");
        ModelFile.Save(TwoGigabyteModel(), source);
        Assert.True(File.Exists(source + ".data"), "a model over 2 GB is saved with external data");

        var result = ModelOptimizer.Optimize(new OptimizeRequest { ModelPath = source, OutputPath = dir.File("out/large.onnx"), TargetId = "rpi5", Precision = "none" });

        output.WriteLine($"{result.OriginalBytes} -> {result.OptimizedBytes} bytes");
        Assert.True(File.Exists(result.OutputPath + ".data"));
        // Chosen without being asked (past 2 GB) and reported, so the cache and the build ship the data file with the model.
        Assert.Equal(Path.GetFullPath(result.OutputPath) + ".data", result.ExternalDataPath);
        Assert.True(result.OptimizedBytes > int.MaxValue);
        Assert.True(new FileInfo(result.OutputPath).Length < 1 << 20);
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(result.OutputPath, options);
        var x = new float[Side];
        x[0] = 1;
        using var value = OrtValue.CreateTensorValueFromMemory(x, [1, Side]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["x"], [value], ["y"]);
        // x selects row 0 of w0 (all 0.5), summed with row 0 of the distinct w1 (all 0.25).
        Assert.All(outputs[0].GetTensorDataAsSpan<float>().ToArray(), v => Assert.Equal(0.75f, v));

        // int8 calibrates and verifies through ORT sessions made from memory, which protobuf caps at 2 GB: a clear refusal.
        var int8 = new OptimizeRequest
        {
            ModelPath = source,
            OutputPath = dir.File("out/large-int8.onnx"),
            TargetId = "rpi5",
            Precision = "int8",
            CalibrationData = Npy.RandomSamples(dir, "samples", 2, [1, Side]),
        };
        var e = Assert.Throws<NotSupportedException>(() => ModelOptimizer.Optimize(int8));
        Assert.Contains("2 GB", e.Message);
        Assert.False(File.Exists(int8.OutputPath));
    }

    private const int Side = 16384 + 512; // two [Side, Side] float weights: 2.2 GB

    private static ModelProto TwoGigabyteModel()
    {
        TensorProto Filled(string name, float value)
        {
            var bytes = GC.AllocateUninitializedArray<byte>(Side * Side * sizeof(float));
            MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Fill(value);
            return new TensorProto { Name = name, DataType = DType.Float, Dims = { Side, Side }, RawData = UnsafeByteOperations.UnsafeWrap(bytes) };
        }

        return new ModelBuilder(opset: 13)
            .Input("x", DType.Float, 1, Side)
            .Initializer(Filled("w0", 0.5f))
            .Initializer(Filled("w1", 0.25f))
            .Node("MatMul", ["x", "w0"], ["a"])
            .Node("MatMul", ["x", "w1"], ["b"])
            .Node("Identity", ["b"], ["b2"])
            .Node("Add", ["a", "b2"], ["y"])
            .Output("y", DType.Float, 1, Side)
            .Build();
    }
}
