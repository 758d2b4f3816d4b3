using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeBuild.Optimization;
using EdgeBuild.Optimization.Caching;
using EdgeBuild.Optimization.Manifest;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Reporting;
using EdgeBuild.Optimization.Runtime;

namespace EdgeBuild.Cli.Commands;

/// <summary>`edgebuild optimize`: clean up, quantize or convert a model for a target and write the manifest.</summary>
public sealed class OptimizeCommand : ICommand
{
    public string Name => "optimize";

    public Command Create(CliConsole console)
    {
        var model = CliOptions.File("MODEL", "the .onnx model to optimize (only read)");
        var output = new Option<string>("--output") { HelpName = "OUT.onnx", Description = "where the optimized model goes", Required = true };
        var target = CliOptions.Target("built-in device profile (`edgebuild profiles` lists them)");
        var profile = CliOptions.Profile("custom profile JSON; may \"extends\" a built-in one (then --target is optional)");
        var precision = new Option<string>("--precision") { HelpName = "P", Description = "the target's choice (auto) or one precision", DefaultValueFactory = _ => "auto" };
        precision.AcceptOnlyFromAmong(Precisions.All);
        var dynamic = CliOptions.Flag("--dynamic", "with int8: dynamic quantization of MatMul/Gemm (transformers, RNNs), no calibration");
        var calibrationData = CliOptions.Text("--calibration-data", "GLOB", "samples to calibrate int8 activations (.npy, .pb, images; glob or folder)");
        var validationData = CliOptions.Text("--validation-data", "GLOB", "held-out samples for the accuracy check (default: part of the calibration data)");
        var method = new Option<string>("--calibration-method") { HelpName = "M", Description = "how activation ranges are chosen", DefaultValueFactory = _ => MethodName(CalibrationMethod.MinMax) };
        method.AcceptOnlyFromAmong([.. Enum.GetValues<CalibrationMethod>().Select(MethodName)]);
        var preprocess = CliOptions.Preprocess();
        var syntheticValues = CliOptions.Text("--synthetic-values", "\"NAME=V,V\"", "without data: values for integer inputs the made-up inputs cannot read from the model, e.g. \"sr=16000\"");
        var minSqnr = CliOptions.Number<double>("--min-sqnr", "DB", "minimum SQNR per output in dB");
        minSqnr.DefaultValueFactory = _ => 30;
        var accuracy = CliOptions.Accuracy("task metrics per output instead of SQNR, e.g. \"sigmoid_0.tmp_0: agreement@0.3 >= 99.5%\" "
            + "(sqnr, cosine, maxabs, top1, argmax(blank=K), agreement@T(eps=E), iou@T, ctc(blank=K); docs/accuracy.md); outputs it does not name keep --min-sqnr");
        var latencyCost = CliOptions.Flag("--fallback-latency-cost", "experimental: after the accuracy fallback's search, hand back to int8 the float places that run the most MACs while the budget holds (up to 16 more attempts), and note the trade priced by ORT's profiler (docs/optimization.md)");
        var fallbackAttempts = CliOptions.Count("--fallback-attempts", "N",
            "cap on the accuracy fallback's attempts (quantize + verify each; default: the profile's precision.fallbackAttempts, 50 built in)");
        var fallbackTime = CliOptions.Number<double>("--fallback-time", "SECONDS",
            "time budget of the accuracy fallback: it settles for its best passing attempt once spent (default: the profile's precision.fallbackTimeBudget, none built in; a search it stops depends on the machine, the note says so)");
        var excludeNodes = CliOptions.Text("--exclude-nodes", "A,B", "node names to keep in float");
        var report = CliOptions.Text("--report", "FILE.json", "write the report as JSON, plus a self-contained NAME.report.html next to it");
        var explain = CliOptions.Flag("--explain", "print the plan: each step and why it is there");
        var failOnBudget = CliOptions.Flag("--fail-on-budget", "over the profile's size or memory budget is an error (exit 1), not a warning");
        var cacheDir = CliOptions.Text("--cache-dir", "DIR", "result cache: the same inputs restore the outputs instead of optimizing (EDGEBUILD_CACHE_DIR: a shared cache folder, looked up after DIR)");
        var manifest = CliOptions.Text("--manifest", "FILE", "write the signature manifest for the source generator");
        var className = CliOptions.Text("--class-name", "NAME", "class name in the manifest (default: from the output file name)");
        var ns = CliOptions.Text("--namespace", "NS", "namespace in the manifest");
        var dims = CliOptions.Text("--dims", "\"N=1;H=640\"", "values for symbolic dims (manifest shapes, calibration of image data)");
        var embed = CliOptions.Flag("--embed", "the app embeds the model as a resource");
        var externalData = CliOptions.Flag("--external-data", "write the weights to OUT.onnx.data next to the model (automatic past protobuf's 2 GB)");
        var json = CliOptions.Json();
        var verbose = CliOptions.Flag("--verbose", "also print each stage's wall time and ONNX Runtime's own warnings on stderr");

        var command = new Command("optimize", "Compress and quantize a model for a target device, verified against the original")
        {
            model, output, target, profile, precision, dynamic, calibrationData, validationData, method, preprocess, syntheticValues, minSqnr, accuracy, fallbackAttempts, fallbackTime, latencyCost, excludeNodes,
            report, explain, failOnBudget, cacheDir, manifest, className, ns, dims, embed, externalData, json, verbose,
        };
        command.Validators.Add(r =>
        {
            // Presence, not value: a repeated option is its own parse error, and GetValue would throw on it.
            if (r.GetResult(target) is null && r.GetResult(profile) is null) r.AddError("option --target is required (or --profile FILE)");
        });
        command.SetAction(r =>
        {
            var request = new OptimizeRequest
            {
                ModelPath = r.GetValue(model)!,
                TargetId = r.GetValue(target),
                ProfilePath = r.GetValue(profile),
                FailOnBudget = r.GetValue(failOnBudget),
                OutputPath = r.GetValue(output)!,
                Precision = r.GetValue(precision)!,
                CalibrationData = r.GetValue(calibrationData),
                ValidationData = r.GetValue(validationData),
                MinSqnrDb = r.GetValue(minSqnr) ?? 30,
                Accuracy = r.GetValue(accuracy),
                FallbackAttempts = r.GetValue(fallbackAttempts),
                FallbackTimeBudget = r.GetValue(fallbackTime),
                FallbackLatencyCost = r.GetValue(latencyCost),
                ExcludeNodes = SplitList(r.GetValue(excludeNodes)),
                ReportPath = r.GetValue(report),
                ManifestPath = r.GetValue(manifest),
                ClassName = r.GetValue(className),
                Namespace = r.GetValue(ns),
                Embed = r.GetValue(embed),
                ExternalData = r.GetValue(externalData),
                Preprocess = r.GetValue(preprocess),
                SyntheticValues = r.GetValue(syntheticValues),
                CalibrationMethod = Enum.GetValues<CalibrationMethod>().Single(m => MethodName(m) == r.GetValue(method)),
                Dynamic = r.GetValue(dynamic),
            };
            return Run(request, r.GetValue(dims), r.GetValue(cacheDir), r.GetValue(json), r.GetValue(explain), r.GetValue(verbose), console);
        });
        return command;
    }

    private static int Run(OptimizeRequest request, string? dimsText, string? cacheDir, bool json, bool explain, bool verbose, CliConsole console)
    {
        var (stdout, stderr) = (console.Stdout, console.Stderr);
        return OptimizationErrors.Run(request.ModelPath, stderr, () =>
        {
            request = request with { Dims = SignatureReader.ParseDims(dimsText) };
            if (Path.GetFullPath(request.OutputPath) == Path.GetFullPath(request.ModelPath))
                throw new OptimizationInputException(DiagnosticCodes.Usage, request.OutputPath, "the output would overwrite the source model", "Choose another --output path");

            using var ortLog = verbose ? Sessions.LogWarnings() : null;
            var cache = new OptimizationCache(cacheDir, Environment.GetEnvironmentVariable("EDGEBUILD_CACHE_DIR"), stderr.WriteLine);
            OptimizeResult result;
            using (var progress = console.Progress($"{Path.GetFileName(request.ModelPath)} → {request.TargetId ?? Path.GetFileName(request.ProfilePath)}"))
            {
                result = CachedOptimizer.Optimize(request with { Progress = progress }, cache, stderr.WriteLine);
            }

            if (request.ReportPath is not null && result.Report is not null) ReportWriter.WriteNextTo(result.Report, request.ReportPath);
            foreach (var finding in result.Findings) stderr.WriteLine(finding.ToString());
            if (verbose && result.Report is { } timed)
            {
                foreach (var stage in timed.Stages) stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time: {stage.Milliseconds,10:F1} ms  {stage.Stage}"));
            }

            if (json) stdout.WriteLine(ReportWriter.ToJson(result).TrimEnd('\n'));
            else
            {
                if (explain && result.Report?.Plan is { } plan) stdout.Write(plan.Explain());
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{request.ModelPath} -> {result.OutputPath}: {result.Precision} for {result.Target}, {result.OptimizedBytes:N0} bytes ({result.SizeRatio:P1} of {result.OriginalBytes:N0}), {result.OptimizedNodeCount} nodes (was {result.OriginalNodeCount}), cache {result.Cache}"));
                foreach (var note in result.Notes) stdout.WriteLine("  note: " + ConsoleNotes.Shorten(note));
            }

            return result.Findings.Any(f => f.IsError) ? ExitCodes.FailedCheck : ExitCodes.Ok;
        });
    }

    /// <summary>The spelling on the command line: the enum's name in lower case (minmax, percentile, entropy).</summary>
    private static string MethodName(CalibrationMethod method) => method.ToString().ToLowerInvariant();

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
