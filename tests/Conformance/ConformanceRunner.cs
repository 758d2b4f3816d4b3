using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Protos;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Tests.Conformance;

public enum CaseStatus
{
    Passed,

    /// <summary>The harness cannot feed or read the case's values (sequences, maps, optionals, complex numbers).</summary>
    Skipped,

    /// <summary>Loading, saving, ONNX Runtime or the comparison failed.</summary>
    Failed,
}

/// <summary>The outcome of one case; <see cref="Reason"/> is a short category, <see cref="Detail"/> the specifics.</summary>
public sealed record CaseResult(string Id, CaseStatus Status, string Reason, string Detail = "");

/// <summary>
/// Runs backend-test cases through ONNX Runtime on the model as *we* wrote it: ModelFile.Load, an optional
/// transform (identity for I/O conformance; a cleanup pass for the optimizer's tests), ModelFile.Save, then
/// every test_data_set is run and compared with the recorded outputs.
/// </summary>
public sealed class ConformanceRunner(string workDirectory)
{
    /// <summary>Applied to each loaded model before it is saved and run.</summary>
    public Func<ModelProto, ModelProto> Transform { get; init; } = model => model;

    public double RelativeTolerance { get; init; } = OutputComparer.DefaultRelativeTolerance;

    public double AbsoluteTolerance { get; init; } = OutputComparer.DefaultAbsoluteTolerance;

    /// <summary>Runs the cases on all cores (one ORT thread each); results come back in the cases' order.</summary>
    public IReadOnlyList<CaseResult> RunAll(IReadOnlyList<BackendTestCase> cases)
    {
        Directory.CreateDirectory(workDirectory);
        var results = new CaseResult[cases.Count];
        Parallel.For(0, cases.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => results[i] = Run(cases[i]));
        return results;
    }

    public CaseResult Run(BackendTestCase testCase)
    {
        ModelProto model;
        try
        {
            model = ModelFile.Load(testCase.ModelPath);
        }
        catch (ModelFormatException e)
        {
            return new CaseResult(testCase.Id, CaseStatus.Failed, "load failed", e.Message);
        }

        var graphInputs = GraphInputs(model.Graph);
        var unsupported = graphInputs.Concat(model.Graph.Output).Select(UnsupportedType).FirstOrDefault(r => r is not null);
        if (unsupported is not null) return new CaseResult(testCase.Id, CaseStatus.Skipped, unsupported);

        var path = Path.Combine(workDirectory, testCase.Id.Replace('/', '_') + ".onnx");
        try
        {
            ModelFile.Save(Transform(model), path);
            return RunSaved(testCase, path, graphInputs, model.Graph.Output.ToList());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private CaseResult RunSaved(BackendTestCase testCase, string path, List<ValueInfoProto> graphInputs, List<ValueInfoProto> graphOutputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            return new CaseResult(testCase.Id, CaseStatus.Failed, "ORT cannot load", FirstLine(e.Message, path));
        }

        using (session)
        using (var runOptions = new RunOptions())
        {
            foreach (var dataSet in testCase.DataSets)
            {
                var failure = RunDataSet(testCase, session, runOptions, dataSet, graphInputs, graphOutputs, path);
                if (failure is not null) return failure;
            }
        }

        return new CaseResult(testCase.Id, CaseStatus.Passed, "passed");
    }

    private CaseResult? RunDataSet(BackendTestCase testCase, InferenceSession session, RunOptions runOptions, string dataSet,
        List<ValueInfoProto> graphInputs, List<ValueInfoProto> graphOutputs, string path)
    {
        var set = Path.GetFileName(dataSet);
        var inputNames = graphInputs.Select(i => i.Name).ToList();
        var outputNames = graphOutputs.Select(o => o.Name).ToList();
        var inputs = BackendTestCase.Files(dataSet, "input").Select(TensorProtoConverter.Read).ToList();
        var expected = BackendTestCase.Files(dataSet, "output").Select(TensorProtoConverter.Read).ToList();
        AdoptDeclaredTypes(inputs, graphInputs);
        AdoptDeclaredTypes(expected, graphOutputs);
        if (inputs.Concat(expected).FirstOrDefault(t => !TensorProtoConverter.IsSupported(t.DataType)) is { } odd)
            return new CaseResult(testCase.Id, CaseStatus.Skipped, $"element type {ElementTypes.Name(odd.DataType)}");

        // Recorded tensors carry the input's name when the exporter set it; otherwise position decides.
        var names = inputs.Select((t, i) => inputNames.Contains(t.Name) ? t.Name : i < inputNames.Count ? inputNames[i] : t.Name).ToList();
        var wanted = expected.Select((t, i) => i < outputNames.Count ? outputNames[i] : t.Name).ToList();
        var values = new List<OrtValue>();
        try
        {
            values.AddRange(inputs.Select(TensorProtoConverter.ToOrtValue));
            using var outputs = session.Run(runOptions, names, values, wanted);
            var i = 0;
            foreach (var actual in outputs)
            {
                var mismatch = OutputComparer.Compare(expected[i], actual, RelativeTolerance, AbsoluteTolerance);
                if (mismatch is not null)
                    return new CaseResult(testCase.Id, CaseStatus.Failed, "output differs", $"{set} output '{wanted[i]}': {mismatch}");
                i++;
            }

            return null;
        }
        catch (OnnxRuntimeException e)
        {
            return new CaseResult(testCase.Id, CaseStatus.Failed, "ORT cannot run", $"{set}: {FirstLine(e.Message, path)}");
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>
    /// numpy has no bfloat16, so the suite records bfloat16 values as uint16 tensors of the same bits; relabel
    /// them with the type the model declares, as ONNX's own backend runner does.
    /// </summary>
    private static void AdoptDeclaredTypes(List<TensorProto> recorded, List<ValueInfoProto> declared)
    {
        for (var i = 0; i < recorded.Count && i < declared.Count; i++)
        {
            if (recorded[i].DataType == (int)TensorProto.Types.DataType.Uint16
                && declared[i].Type?.TensorType?.ElemType == (int)TensorProto.Types.DataType.Bfloat16)
                recorded[i].DataType = (int)TensorProto.Types.DataType.Bfloat16;
        }
    }

    /// <summary>Graph inputs that are real inputs (before IR 4, initializers were listed as inputs too).</summary>
    private static List<ValueInfoProto> GraphInputs(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
    }

    private static string? UnsupportedType(ValueInfoProto value) => value.Type?.ValueCase switch
    {
        TypeProto.ValueOneofCase.TensorType => TensorProtoConverter.IsSupported(value.Type.TensorType.ElemType)
            ? null : $"element type {ElementTypes.Name(value.Type.TensorType.ElemType)}",
        TypeProto.ValueOneofCase.SequenceType => "sequence values",
        TypeProto.ValueOneofCase.OptionalType => "optional values",
        TypeProto.ValueOneofCase.MapType => "map values",
        TypeProto.ValueOneofCase.SparseTensorType => "sparse tensor values",
        null or TypeProto.ValueOneofCase.None => null,
        var other => $"{other} values",
    };

    /// <summary>The message's first line without the temporary path, so reasons are stable between runs.</summary>
    private static string FirstLine(string message, string path)
    {
        var line = message.Split('\n')[0].Replace(path, "model.onnx", StringComparison.Ordinal).Trim();
        return line.Length > 300 ? line[..300] + "..." : line;
    }
}
