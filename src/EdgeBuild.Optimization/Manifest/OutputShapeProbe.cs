using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Optimization.Manifest;

/// <summary>Learns concrete output shapes by running the model once on zero inputs of the resolved input shapes.</summary>
internal static class OutputShapeProbe
{
    public static Dictionary<string, long[]>? TryRun(ModelProto model, IReadOnlyList<TensorSignature> inputs)
    {
        if (inputs.Any(i => i.Shape.Any(d => d < 0))) return null;
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in inputs)
            {
                var type = model.Graph.Input.First(i => i.Name == input.Name).Type.TensorType.ElemType;
                if (DType.SizeOf(type) == 0) return null;
                // Freshly allocated ORT buffers are not guaranteed zeroed; clear them so the run is deterministic.
                var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)type, [.. input.Shape]);
                value.GetTensorMutableRawData().Clear();
                values.Add(value);
            }

            using var options = Runtime.Sessions.Quiet(GraphOptimizationLevel.ORT_ENABLE_ALL, intraOpThreads: 1);
            using var session = new InferenceSession(model.ToByteArray(), options);
            using var runOptions = new RunOptions();
            var names = model.Graph.Output.Select(o => o.Name).ToList();
            using var outputs = session.Run(runOptions, inputs.Select(i => i.Name).ToList(), values, names);
            var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++)
            {
                if (outputs[i].IsTensor) result[names[i]] = outputs[i].GetTensorTypeAndShape().Shape;
            }

            return result;
        }
        catch (OnnxRuntimeException)
        {
            return null; // shapes stay -1 and the generator asks the user for dims
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }
}
