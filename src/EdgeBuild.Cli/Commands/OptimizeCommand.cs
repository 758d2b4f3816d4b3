using System.Globalization;
using System.Text.Json;
using EdgeBuild.Optimization;
using EdgeBuild.Optimization.Caching;
using EdgeBuild.Optimization.Manifest;
using EdgeBuild.Optimization.Reporting;

namespace EdgeBuild.Cli.Commands;

/// <summary>`edgebuild optimize`: clean up, quantize or convert a model for a target and write the manifest.</summary>
public sealed class OptimizeCommand : ICommand
{
    public string Name => "optimize";

    public string Summary => "Compress and quantize a model for a target device, verified against the original";

    public string Usage => """
        Usage: edgebuild optimize MODEL --target ID --output OUT.onnx [options]

          --target ID            built-in device profile (`edgebuild profiles` lists them)
          --profile FILE         custom profile JSON; may "extends" a built-in one (then --target is optional)
          --precision P          auto|int8|uint8|fp16|int4|none (default auto: the target's choice)
          --dynamic              with int8: dynamic quantization of MatMul/Gemm (transformers, RNNs), no calibration
          --calibration-data G   samples to calibrate int8 activations (.npy, .pb, images; glob or folder)
          --validation-data G    held-out samples for the accuracy check (default: part of the calibration data)
          --calibration-method M minmax|percentile|entropy (default minmax)
          --preprocess SPEC      how images become inputs, e.g. "resize=fit:640:32;channels=bgr;mean=0.485,0.456,0.406;std=0.229,0.224,0.225"
          --min-sqnr DB          minimum SQNR per output in dB (default 30)
          --accuracy SPEC        task metrics per output instead of SQNR, e.g. "sigmoid_0.tmp_0: agreement@0.3 >= 99.5%"
                                 (sqnr, cosine, maxabs, top1, argmax(blank=K), agreement@T(eps=E); see docs/accuracy.md)
          --fallback-seconds S   time the accuracy fallback may spend on attempts (default 300)
          --exclude-nodes A,B    node names to keep in float
          --report FILE.json     write the report as JSON, plus a self-contained NAME.report.html next to it
          --explain              print the plan: each step and why it is there
          --fail-on-budget       over the profile's size or memory budget is an error (exit 1), not a warning
          --cache-dir DIR        result cache: the same inputs restore the outputs instead of optimizing
                                 (EDGEBUILD_CACHE_DIR: a shared cache folder, looked up after DIR)
          --manifest FILE        write the signature manifest for the source generator
          --class-name NAME      class name in the manifest (default: from the output file name)
          --namespace NS         namespace in the manifest
          --dims "N=1;H=640"     values for symbolic dims (manifest shapes, calibration of image data)
          --embed                the app embeds the model as a resource
          --json                 print the result as JSON on stdout
        """;

    public int Run(CommandArguments args, TextWriter stdout, TextWriter stderr)
    {
        var request = new OptimizeRequest
        {
            ModelPath = args.Positional(0, "MODEL"),
            TargetId = args.Option("target"),
            ProfilePath = args.Option("profile"),
            FailOnBudget = args.Flag("fail-on-budget"),
            OutputPath = args.RequiredOption("output"),
            Precision = args.Option("precision") ?? "auto",
            CalibrationData = args.Option("calibration-data"),
            ValidationData = args.Option("validation-data"),
            MinSqnrDb = args.DoubleOption("min-sqnr") ?? 30,
            Accuracy = args.Option("accuracy"),
            FallbackTimeBudgetSeconds = args.DoubleOption("fallback-seconds"),
            ExcludeNodes = SplitList(args.Option("exclude-nodes")),
            ReportPath = args.Option("report"),
            ManifestPath = args.Option("manifest"),
            ClassName = args.Option("class-name"),
            Namespace = args.Option("namespace"),
            Embed = args.Flag("embed"),
            Preprocess = args.Option("preprocess"),
            CalibrationMethod = ParseMethod(args.Option("calibration-method")),
            Dynamic = args.Flag("dynamic"),
        };
        var dimsText = args.Option("dims");
        var json = args.Flag("json");
        var explain = args.Flag("explain");
        var cacheDir = args.Option("cache-dir");
        args.ThrowOnUnused(expectedPositionals: 1);
        if (request.TargetId is null && request.ProfilePath is null) throw new UsageException("option --target is required (or --profile FILE)");
        if (request.FallbackTimeBudgetSeconds is <= 0) throw new UsageException("option --fallback-seconds must be a positive number of seconds");
        try
        {
            AccuracyMetrics.Parse(request.Accuracy);
        }
        catch (AccuracySpecException e)
        {
            throw new UsageException($"option --accuracy: {e.Message}");
        }

        return OptimizationErrors.Run(request.ModelPath, stderr, () =>
        {
            request = request with { Dims = SignatureReader.ParseDims(dimsText) };
            if (Path.GetFullPath(request.OutputPath) == Path.GetFullPath(request.ModelPath))
                throw new OptimizationInputException("EDGE0002", request.OutputPath, "the output would overwrite the source model", "Choose another --output path");

            var cache = new OptimizationCache(cacheDir, Environment.GetEnvironmentVariable("EDGEBUILD_CACHE_DIR"), stderr.WriteLine);
            var result = CachedOptimizer.Optimize(request, cache, stderr.WriteLine);
            if (request.ReportPath is not null && result.Report is not null) ReportWriter.WriteNextTo(result.Report, request.ReportPath);
            foreach (var finding in result.BudgetFindings) stderr.WriteLine(finding.ToString());

            if (json) stdout.WriteLine(ReportWriter.ToJson(result).TrimEnd('\n'));
            else
            {
                if (explain && result.Report?.Plan is { } plan) stdout.Write(plan.Explain());
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{request.ModelPath} -> {result.OutputPath}: {result.Precision} for {result.Target}, {result.OptimizedBytes:N0} bytes ({result.SizeRatio:P1} of {result.OriginalBytes:N0}), {result.OptimizedNodeCount} nodes (was {result.OriginalNodeCount}), cache {result.Cache}"));
                foreach (var note in result.Notes) stdout.WriteLine("  note: " + note);
            }

            return result.BudgetFindings.Any(f => f.IsError) ? ExitCodes.FailedCheck : ExitCodes.Ok;
        });
    }

    private static EdgeBuild.Optimization.Quantization.CalibrationMethod ParseMethod(string? text) => text switch
    {
        null or "minmax" => EdgeBuild.Optimization.Quantization.CalibrationMethod.MinMax,
        "percentile" => EdgeBuild.Optimization.Quantization.CalibrationMethod.Percentile,
        "entropy" => EdgeBuild.Optimization.Quantization.CalibrationMethod.Entropy,
        _ => throw new UsageException($"--calibration-method takes minmax, percentile or entropy, got '{text}'"),
    };

    internal static IReadOnlyList<string> SplitList(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>The machine-readable form of command results (`--json`, `--report`).</summary>
internal static class ResultJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options).Replace("\r\n", "\n", StringComparison.Ordinal);
}
