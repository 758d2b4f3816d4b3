using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>Runs a model in ONNX Runtime on float inputs and returns every graph output as floats.</summary>
internal static class OrtRun
{
    public static Dictionary<string, float[]> Run(ModelProto model, params (string Name, float[] Data, long[] Shape)[] inputs) =>
        Run(model.ToByteArray(), inputs);

    public static Dictionary<string, float[]> Run(byte[] model, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            var names = session.OutputMetadata.Keys.ToList();
            using var outputs = session.Run(runOptions, inputs.Select(i => i.Name).ToList(), values, names);
            var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++) result[names[i]] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
            return result;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>Deterministic pseudo-random values in [-1, 1).</summary>
    public static float[] Random(int count, int seed = 1)
    {
        var rng = new Random(seed);
        var data = new float[count];
        for (var i = 0; i < count; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    public static void AssertClose(float[] expected, float[] actual, float tolerance = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var scale = Math.Max(1f, Math.Abs(expected[i]));
            if (Math.Abs(expected[i] - actual[i]) > tolerance * scale)
                Assert.Fail($"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
