using System.Globalization;
using System.Text.Json;
using EdgeBuild.Optimization;
using EdgeBuild.Optimization.Manifest;

namespace EdgeBuild.Cli.Commands;

/// <summary>`edgebuild optimize`: clean up, quantize or convert a model for a target and write the manifest.</summary>
public sealed class OptimizeCommand : ICommand
{
    public string Name => "optimize";

    public string Summary => "Compress and quantize a model for a target device, verified against the original";

    public string Usage => """
        Usage: edgebuild optimize MODEL --target ID --output OUT.onnx [options]

          --precision P          auto|int8|uint8|fp16|int4|none (default auto: the target's choice)
          --dynamic              with int8: dynamic quantization of MatMul/Gemm (transformers, RNNs), no calibration
          --calibration-data G   samples to calibrate int8 activations (.npy, .pb, images; glob or folder)
          --validation-data G    held-out samples for the accuracy check (default: part of the calibration data)
          --calibration-method M minmax|percentile|entropy (default minmax)
          --preprocess SPEC      how images become inputs, e.g. "resize=fit:640:32;channels=bgr;mean=0.485,0.456,0.406;std=0.229,0.224,0.225"
          --min-sqnr DB          minimum SQNR per output in dB (default 30)
          --exclude-nodes A,B    node names to keep in float
          --report FILE          write the optimization report as JSON
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
            TargetId = args.RequiredOption("target"),
            OutputPath = args.RequiredOption("output"),
            Precision = args.Option("precision") ?? "auto",
            CalibrationData = args.Option("calibration-data"),
            ValidationData = args.Option("validation-data"),
            MinSqnrDb = args.DoubleOption("min-sqnr") ?? 30,
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
        args.ThrowOnUnused(expectedPositionals: 1);

        return OptimizationErrors.Run(request.ModelPath, stderr, () =>
        {
            request = request with { Dims = SignatureReader.ParseDims(dimsText) };
            if (Path.GetFullPath(request.OutputPath) == Path.GetFullPath(request.ModelPath))
                throw new OptimizationInputException("EDGE0002", request.OutputPath, "the output would overwrite the source model", "Choose another --output path");

            var result = ModelOptimizer.Optimize(request);
            var reportJson = ResultJson.Serialize(result);
            if (request.ReportPath is not null) ReportFile.Write(request.ReportPath, reportJson + "\n");
            if (json) stdout.WriteLine(reportJson);
            else
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{request.ModelPath} -> {result.OutputPath}: {result.Precision} for {result.Target}, {result.OptimizedBytes:N0} bytes ({result.SizeRatio:P1} of {result.OriginalBytes:N0}), {result.OptimizedNodeCount} nodes (was {result.OriginalNodeCount})"));
                foreach (var note in result.Notes) stdout.WriteLine("  note: " + note);
            }

            return ExitCodes.Ok;
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
