namespace EdgeBuild.Tests.Conformance;

/// <summary>One case of the ONNX backend test suite: a folder with model.onnx and test_data_set_*/{input,output}_*.pb.</summary>
public sealed record BackendTestCase(string Suite, string Name, string Directory)
{
    /// <summary>The suites every conformance run covers (the `real` suite holds large zoo models without data).</summary>
    public static readonly IReadOnlyList<string> DefaultSuites = ["node", "simple", "pytorch-converted", "pytorch-operator"];

    /// <summary>"suite/name", the key used in the expectations file.</summary>
    public string Id => $"{Suite}/{Name}";

    public string ModelPath => Path.Combine(Directory, "model.onnx");

    public IEnumerable<string> DataSets =>
        System.IO.Directory.EnumerateDirectories(Directory, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal);

    /// <summary>Every case with a model, in a stable order.</summary>
    public static IReadOnlyList<BackendTestCase> Enumerate(string root, IEnumerable<string>? suites = null) =>
        (suites ?? DefaultSuites)
            .SelectMany(suite => System.IO.Directory.EnumerateDirectories(Path.Combine(root, suite))
                .Select(dir => new BackendTestCase(suite, Path.GetFileName(dir), dir)))
            .Where(c => File.Exists(c.ModelPath))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>input_N.pb / output_N.pb of a data set, ordered by N (not by string: output_10 after output_9).</summary>
    public static IReadOnlyList<string> Files(string dataSet, string prefix) =>
        System.IO.Directory.EnumerateFiles(dataSet, prefix + "_*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[(prefix.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    public override string ToString() => Id;
}
