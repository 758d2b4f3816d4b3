using System.Diagnostics;
using System.Text.Json;
using EdgeBuild.Onnx.Graph;
using Google.Protobuf;

namespace EdgeBuild.Cli.Tests.Commands;

/// <summary>`optimize --precision fp16|int4` and `--precision int8 --dynamic` from the command line.</summary>
public sealed class PrecisionOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-precision-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Mlp()
    {
        var rng = new Random(3);
        var w = Enumerable.Range(0, 64 * 32).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var path = Path.Combine(_dir, "mlp.onnx");
        File.WriteAllBytes(path, new ModelBuilder()
            .Input("x", DType.Float, 2, 64)
            .Initializer("w", w, 64, 32)
            .Node("MatMul", ["x", "w"], ["y"])
            .Output("y", DType.Float, 2, 32)
            .Build().ToByteArray());
        return path;
    }

    [Theory]
    [InlineData("int8", "--dynamic")]
    [InlineData("fp16", null)]
    [InlineData("int4", null)]
    public void Writes_the_model_and_reports_the_precision(string precision, string? flag)
    {
        var output = Path.Combine(_dir, $"out-{precision}.onnx");
        string[] args = ["optimize", Mlp(), "--target", "x64-vnni", "--output", output, "--precision", precision, "--json"];
        var run = CliRun.Of(flag is null ? args : [.. args, flag]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(precision, json.RootElement.GetProperty("precision").GetString());
        Assert.True(File.Exists(output));
        AssertPassesOnnxChecker(output);
    }

    /// <summary>Acceptance 3, checked by the reference implementation (Debian's python3-onnx), not by our own reader.</summary>
    private static void AssertPassesOnnxChecker(string path)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", path }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"onnx.checker rejects {path}: {error}");
    }

    [Fact]
    public void Dynamic_with_fp16_is_a_usage_error_naming_the_fix()
    {
        var run = CliRun.Of("optimize", Mlp(), "--target", "x64-vnni", "--output", Path.Combine(_dir, "o.onnx"), "--precision", "fp16", "--dynamic");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("EDGE0002", run.Stderr);
        Assert.Contains("--precision int8 --dynamic", run.Stderr);
    }
}
