using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Runtime;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Optimization.Calibration;

/// <summary>
/// Largest |x| per channel (axis 1 of an [N, C, ...] tensor) over a stream of samples: what channel
/// equalization needs to see which channels make a tensor's per-tensor int8 range wide. Memory is one
/// float per channel, independent of the number of samples.
/// </summary>
public static class ChannelRanges
{
    public static IReadOnlyDictionary<string, float[]> Collect(ModelProto model, IReadOnlyCollection<string> tensors, SampleSource samples)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (tensors.Count == 0) return result;
        var names = tensors.ToList();
        using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_ENABLE_BASIC);
        using var session = new InferenceSession(Calibrator.Augment(model, names).ToByteArray(), options);
        foreach (var sample in samples.Read())
        {
            using var outputs = Sessions.Run(session, sample, names);
            for (var i = 0; i < names.Count; i++)
            {
                var info = outputs[i].GetTensorTypeAndShape();
                if (info.ElementDataType != TensorElementType.Float || info.Shape.Length < 2) continue;
                var channels = (int)info.Shape[1];
                var batch = (int)info.Shape[0];
                var values = outputs[i].GetTensorDataAsSpan<float>();
                var inner = values.Length / Math.Max(1, batch * channels);
                if (!result.TryGetValue(names[i], out var max)) result[names[i]] = max = new float[channels];
                if (max.Length != channels) continue;
                for (var n = 0; n < batch; n++)
                {
                    for (var c = 0; c < channels; c++)
                    {
                        var start = ((n * channels) + c) * inner;
                        var m = max[c];
                        foreach (var v in values.Slice(start, inner)) m = Math.Max(m, Math.Abs(v));
                        max[c] = m;
                    }
                }
            }
        }

        return result;
    }
}
