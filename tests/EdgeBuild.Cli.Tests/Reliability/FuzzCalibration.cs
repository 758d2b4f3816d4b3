using EdgeBuild.Onnx.Protos;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// Small calibration data for fuzzing the quantizing precisions: two random .npy samples shaped like the hostile
/// model's first float input (symbolic dims take the classifier's sizes, else 1). An input the model does not declare
/// sensibly still gets samples, so the tool's own checks (EDGE0110) meet them, as a user's data would.
/// </summary>
internal static class FuzzCalibration
{
    private const int Samples = 2;
    private const long MaxElements = 1 << 20;

    /// <summary>Writes the samples into <paramref name="folder"/>; returns the glob to pass, or null when the bytes do not parse.</summary>
    public static string? Write(byte[] modelBytes, string folder)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(modelBytes);
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or InvalidOperationException or ArgumentException)
        {
            return null;
        }

        var initializers = model.Graph?.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        var input = model.Graph?.Input.FirstOrDefault(i => !initializers.Contains(i.Name) && i.Type?.TensorType is { ElemType: (int)TensorProto.Types.DataType.Float });
        var dims = input?.Type.TensorType.Shape?.Dim.Select(Size).ToArray() ?? [1L];
        if (dims.Aggregate(1L, (a, b) => a * b > MaxElements ? MaxElements + 1 : a * b) > MaxElements) dims = [1L];

        Directory.CreateDirectory(folder);
        var rng = new Random(17);
        var data = new float[dims.Aggregate(1L, (a, b) => a * b)];
        for (var s = 0; s < Samples; s++)
        {
            for (var i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
            NpyFile.Write(Path.Combine(folder, $"sample{s}.npy"), data, dims);
        }

        return Path.Combine(folder, "*.npy");
    }

    private static long Size(TensorShapeProto.Types.Dimension d) =>
        d.HasDimValue ? Math.Clamp(d.DimValue, 1, 4096)
        : d.DimParam switch { "p2o.DynamicDimension.1" => 48, "p2o.DynamicDimension.2" => 192, _ => 1 };
}
