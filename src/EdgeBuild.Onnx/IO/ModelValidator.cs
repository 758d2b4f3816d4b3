using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.IO;

/// <summary>
/// The checks that separate "parsed as protobuf" from "is an ONNX model we can work with". Deliberately few:
/// onnx.checker and ONNX Runtime judge semantics; here we reject what would make our own code misbehave.
/// </summary>
internal static class ModelValidator
{
    public static string? FindProblem(ModelProto model)
    {
        if (!model.HasIrVersion || model.IrVersion <= 0) return "the file has no ONNX ir_version: it is not an ONNX model";
        if (model.Graph is null) return "the model has no graph";
        foreach (var tensor in ModelTensors.All(model))
        {
            foreach (var d in tensor.Dims)
            {
                if (d < 0) return $"tensor '{tensor.Name}' has a negative dimension {d}";
            }

            try
            {
                // Room for the widest element (128-bit complex) keeps every later size computation in range.
                checked { _ = TensorData.ElementCount(tensor) * 16; }
            }
            catch (OverflowException)
            {
                return $"tensor '{tensor.Name}' has dims [{string.Join(", ", tensor.Dims)}] whose element count overflows";
            }
        }

        return null;
    }
}
