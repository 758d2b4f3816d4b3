using EdgeBuild.Optimization.Planning;
using EdgeBuild.Optimization.Reporting;

namespace EdgeBuild.Optimization.Pipeline.Steps;

/// <summary>
/// Never silent: the written model is looked at once more. Over 0.9× the source, or most weight bytes still float32,
/// warns with counts per reason and the biggest tensors left (EDGE0220); the data-free default says what it did and what
/// calibration data would add (EDGE0221). Both are about the source model, where the user's fix lies.
/// </summary>
internal sealed class ReviewResultStep : PipelineStep<NoSettings>
{
    public override string Id => PlanStepIds.ReviewResult;

    protected override void Run(PipelineState state, NoSettings settings)
    {
        var source = state.Request.ModelPath;
        var coverage = WeightCoverage.Analyze(state.Model);
        if (coverage.ShouldWarn(state.OptimizedBytes, state.SourceBytes)) state.Findings.Add(coverage.Warning(source, state.OptimizedBytes, state.SourceBytes));
        if (state.DataFreeWeights is { } dataFree)
        {
            var ratio = ByteSize.Ratio(state.OptimizedBytes, state.SourceBytes);
            // Profiles with dataFreeMatMul dynamicInt8 ran their MatMul/Gemm as integer kernels before the weights were compressed.
            var dynamicKernels = state.Model.Graph.Node.Count(n => n.OpType == "DynamicQuantizeMatMul");
            state.Findings.Add(new Finding(DiagnosticCodes.DataFreeDefault, IsError: false, source,
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"no CalibrationData: {(dynamicKernels > 0 ? $"{dynamicKernels} MatMul/Gemm as dynamic int8 kernels, " : "")}{dataFree.Tensors} weight tensor(s) stored as {Forms(dataFree)} and computed in float, {ByteSize.Format(state.OptimizedBytes)} ({ratio:F2}x the source), float kernels{(dynamicKernels > 0 ? " beside the dynamic int8 ones" : "")}")
                + (state.AccuracyIsSynthetic ? "; checked on made-up inputs only (not an accuracy measurement)" : "")
                + (state.SyntheticSamplesMissing is { } missing ? "; " + missing : ""),
                "add CalibrationData (representative inputs) for static int8: integer kernels, faster on " + state.Profile.Id
                + (state.Accuracy.Count == 0 || state.AccuracyIsSynthetic ? ", and ValidationData to measure accuracy" : "")));
        }
    }

    /// <summary>"40 int8, 10 int16": the forms the data-free step stored the weights in (int8 is what neither other form took).</summary>
    private static string Forms(Compression.DataFreeWeightCompression.Result r)
    {
        var int8 = r.Tensors - r.Int16 - r.Float16;
        return string.Join(", ", new[] { (int8, "int8"), (r.Int16, "int16"), (r.Float16, "float16") }.Where(f => f.Item1 > 0).Select(f => $"{f.Item1} {f.Item2}"));
    }
}
