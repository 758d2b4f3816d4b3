using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>Small helpers shared by the reliability tests: in-process runs, folders, file hashes.</summary>
internal static class CliRuns
{
    public static (int Code, string Out, string Err) InProcess(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CommandRunner.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>`optimize --precision none` of <paramref name="model"/> into <paramref name="outDir"/> (model, manifest, report).</summary>
    public static string[] OptimizeArgs(string model, string outDir, string name = "Model") =>
    [
        "optimize", model, "--target", "rpi5", "--precision", "none",
        "--output", Path.Combine(outDir, name + ".onnx"),
        "--manifest", Path.Combine(outDir, name + ".edgemodel.json"),
        "--report", Path.Combine(outDir, name + ".report.json"),
    ];

    /// <summary>`optimize --precision int8` of the classifier-shaped <paramref name="model"/>, calibrated on <paramref name="calibration"/> (a glob of images).</summary>
    public static string[] OptimizeInt8Args(string model, string calibration, string outDir, string? cacheDir = null, string name = "Model") =>
    [
        "optimize", model, "--target", "rpi5", "--precision", "int8", "--calibration-data", calibration,
        "--dims", ClassifierDims,
        "--output", Path.Combine(outDir, name + ".onnx"),
        "--manifest", Path.Combine(outDir, name + ".edgemodel.json"),
        "--report", Path.Combine(outDir, name + ".report.json"),
        .. cacheDir is null ? Array.Empty<string>() : ["--cache-dir", cacheDir],
    ];

    /// <summary>The PP-OCR classifier's symbolic dims (N, H, W of the input, N of the output) at its native 48x192.</summary>
    public const string ClassifierDims = "p2o.DynamicDimension.0=1;p2o.DynamicDimension.1=48;p2o.DynamicDimension.2=192;p2o.DynamicDimension.3=1";

    public static string[] Artifacts(string outDir, string name = "Model") =>
        [Path.Combine(outDir, name + ".onnx"), Path.Combine(outDir, name + ".edgemodel.json")];

    public static string CopyModel(string source, string folder, string fileName = "model.onnx")
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileName);
        File.Copy(source, path, overwrite: true);
        return path;
    }

    public static string Classifier => TestAssets.Classifier;

    public static string Detector => TestAssets.Detector;
}
