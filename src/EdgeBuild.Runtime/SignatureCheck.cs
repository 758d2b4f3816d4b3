using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime;

/// <summary>
/// Compares the loaded model's inputs and outputs with the ones compiled into the wrapper, so a model with
/// another signature fails at load with a message instead of failing (or crashing) at the first run.
/// </summary>
internal static class SignatureCheck
{
    public static void Verify(EdgeModelInfo model, InferenceSession session, string source)
    {
        var problems = new List<string>();
        Compare("input", model.Inputs, session.InputMetadata, problems);
        Compare("output", model.Outputs, session.OutputMetadata, problems);
        foreach (var name in session.InputMetadata.Keys)
        {
            if (!model.Inputs.Any(t => t.Name == name))
                problems.Add($"the model has input '{name}' that {model.ClassName} does not bind");
        }

        if (problems.Count > 0)
            throw new InvalidOperationException(
                $"{model.ClassName}: model '{source}' does not match the signature compiled into the wrapper: {string.Join("; ", problems)}. " +
                "Rebuild the project against this model.");
    }

    private static void Compare(string kind, IReadOnlyList<EdgeTensorInfo> expected, IReadOnlyDictionary<string, NodeMetadata> actual, List<string> problems)
    {
        foreach (var tensor in expected)
        {
            if (!actual.TryGetValue(tensor.Name, out var metadata))
            {
                problems.Add($"{kind} '{tensor.Name}' is missing");
                continue;
            }

            if (!metadata.IsTensor || metadata.ElementDataType != tensor.ElementType)
            {
                problems.Add($"{kind} '{tensor.Name}' is {metadata.ElementDataType}, expected {tensor.ElementType}");
                continue;
            }

            var dims = metadata.Dimensions;
            var compatible = dims.Length == tensor.Shape.Count;
            for (var i = 0; compatible && i < dims.Length; i++)
                compatible = dims[i] < 0 || dims[i] == tensor.Shape[i];
            if (!compatible)
                problems.Add($"{kind} '{tensor.Name}' has shape {TensorShapes.Format(dims.Select(d => (long)d).ToArray())}, expected {TensorShapes.Format(tensor.Shape, tensor.DimNames)}");
        }
    }
}
