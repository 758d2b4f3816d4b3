using EdgeBuild.Tests.Shared;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Onnx.Tests;

/// <summary>ONNX Runtime reads what we write as external data, including Constant-node weights (paddle2onnx's layout).</summary>
public sealed class ExternalDataRuntimeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Detector_saved_with_external_data_gives_the_original_outputs()
    {
        var path = _temp.File("det.onnx");
        ModelFile.Save(ModelFile.Load(TestAssets.Detector), path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });
        Assert.True(new FileInfo(path + ".data").Length > 4_000_000);

        var input = new float[1 * 3 * 64 * 96];
        var random = new Random(3);
        for (var i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble() * 2 - 1;

        var expected = Run(TestAssets.Detector, input);
        var actual = Run(path, input);
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Length == 64 * 96, $"unexpected output size {expected.Length}");
        Assert.Equal(expected, actual); // same weights, same kernels: bit-identical
    }

    private static float[] Run(string model, float[] input)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 64, 96]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["x"], [value], session.OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
