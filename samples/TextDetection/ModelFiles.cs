namespace TextDetection;

/// <summary>One of the three model files a run used: its size, and the float32 original's when that is at hand.</summary>
public sealed record ModelFile(string Name, long Bytes, string Precision, long? FloatBytes);

public static class ModelFiles
{
    /// <param name="floatModels">The originals' folder when the run used them (--float), else null: the built files next to the app.</param>
    public static List<ModelFile> Describe(string? floatModels) =>
    [
        Describe(floatModels, TextDetector.ModelFileName, TextDetector.ModelInfo, OriginalModels.Detector),
        Describe(floatModels, DirectionClassifier.ModelFileName, DirectionClassifier.ModelInfo, OriginalModels.Classifier),
        Describe(floatModels, TextRecognizer.ModelFileName, TextRecognizer.ModelInfo, OriginalModels.Recognizer),
    ];

    private static ModelFile Describe(string? floatModels, string builtName, EdgeBuild.Runtime.EdgeModelInfo built, string originalName)
    {
        var original = new FileInfo(Path.Combine(floatModels ?? OriginalModels.Folder, originalName));
        long? floatBytes = original.Exists ? original.Length : null; // a published app may run where the originals are not
        return floatModels is null
            ? new ModelFile(builtName, new FileInfo(Path.Combine(AppContext.BaseDirectory, builtName)).Length, $"{built.Precision} for {built.Target}", floatBytes)
            : new ModelFile(originalName, original.Length, "float32", floatBytes);
    }
}
