using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeBuild.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// Runs `edgebuild` commands in process on one hostile input, under a watchdog, and judges the result the way a
/// user's build would see it: exit code, stderr, and the files left in the output folder.
/// </summary>
internal static class CliHarness
{
    /// <summary>The commands the fuzzer drives; `inspect` joins when the CLI has it.</summary>
    public static IReadOnlyList<string> FuzzedCommands { get; } =
        [.. new[] { "inspect", "optimize" }.Where(name => CommandRunner.Commands.Any(c => c.Name == name)), QuantizingCommand];

    /// <summary>`optimize --precision int8` with two small calibration samples: calibration, QDQ insertion and the accuracy check meet the hostile model too.</summary>
    public const string QuantizingCommand = "optimize-int8";

    /// <summary>Managed allocation allowed per input: a fixed allowance plus a multiple of the input's size.</summary>
    public static long MemoryBudget(long inputBytes) => (512L << 20) + 64 * inputBytes;

    public static string[] Arguments(string command, string modelPath, string outDir, string? calibration = null) => command switch
    {
        "inspect" => ["inspect", modelPath, "--json"],
        "optimize" => ["optimize", modelPath, "--target", "rpi5", "--precision", "none", .. Outputs(outDir)],
        QuantizingCommand => ["optimize", modelPath, "--target", "rpi5", "--precision", "int8",
            .. calibration is null ? Array.Empty<string>() : ["--calibration-data", calibration], .. Outputs(outDir)],
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    private static string[] Outputs(string outDir) =>
        ["--output", Path.Combine(outDir, "out.onnx"), "--manifest", Path.Combine(outDir, "out.edgemodel.json"), "--report", Path.Combine(outDir, "out.report.json")];

    public static CliOutcome Run(string command, HostileInput input, string workDir, TimeSpan timeout)
    {
        var inDir = Path.Combine(workDir, "in");
        var outDir = Path.Combine(workDir, "out");
        Directory.CreateDirectory(outDir);
        var modelPath = input.WriteTo(inDir);
        var inputBytes = input.ModelBytes.LongLength + input.SideFiles.Values.Sum(b => (long)b.Length);
        var calibration = command == QuantizingCommand ? FuzzCalibration.Write(input.ModelBytes, Path.Combine(workDir, "calib")) : null;
        var args = Arguments(command, modelPath, outDir, calibration);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        long allocated = 0;
        var clock = Stopwatch.StartNew();
        var run = Task.Factory.StartNew(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                return CommandRunner.Run(args, stdout, stderr);
            }
            finally
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }, TaskCreationOptions.LongRunning);

        CliOutcome Outcome(Verdict v, string evidence) => new(input.Name, command, v, evidence, clock.Elapsed, allocated);

        try
        {
            if (!run.Wait(timeout)) return Outcome(Verdict.Hang, $"still running after {timeout.TotalSeconds:F0}s");
        }
        catch (AggregateException e)
        {
            var inner = e.InnerException!;
            return Outcome(Verdict.Crash, $"{inner.GetType().Name} escaped: {Diagnostics.Trim(inner.Message)} at {inner.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
        }

        var code = run.Result;
        string? problem = code switch
        {
            ExitCodes.Ok => command.StartsWith("optimize", StringComparison.Ordinal) ? VerifyOptimizeOutputs(outDir) : VerifyInspect(stdout.ToString()),
            // Quantizing: a model whose int8 version misses the accuracy budget is a documented failed check (EDGE0201).
            ExitCodes.FailedCheck when command == QuantizingCommand => Diagnostics.CheckFailedCheck(stderr.ToString()) is { } bad ? "crash:" + bad : null,
            // The quantizing command's input is the model and its calibration samples: a diagnostic may name either.
            ExitCodes.BadInput => Diagnostics.CheckSingleCanonicalError(stderr.ToString(), calibration is null ? inDir : workDir) is { } bad ? "crash:" + bad : LeftOvers(outDir, inDir),
            _ => $"crash:exit code {code}: {Diagnostics.Trim(stderr.ToString())}",
        };

        if (problem is null)
        {
            return allocated > MemoryBudget(inputBytes)
                ? Outcome(Verdict.MemoryBlowup, $"allocated {allocated:N0} bytes for a {inputBytes:N0}-byte input (budget {MemoryBudget(inputBytes):N0})")
                : Outcome(code == ExitCodes.Ok ? Verdict.Ok : Verdict.Rejected, code == ExitCodes.Ok ? "" : stderr.ToString().Trim());
        }

        return problem.StartsWith("crash:", StringComparison.Ordinal)
            ? Outcome(Verdict.Crash, problem["crash:".Length..])
            : Outcome(Verdict.Corrupt, problem);
    }

    /// <summary>Null when model, manifest and report (JSON and HTML) all verify and no temporary file is left.</summary>
    public static string? VerifyOptimizeOutputs(string outDir)
    {
        var model = Path.Combine(outDir, "out.onnx");
        var manifest = Path.Combine(outDir, "out.edgemodel.json");
        var report = Path.Combine(outDir, "out.report.json");
        var reportHtml = Path.Combine(outDir, "out.report.html");
        foreach (var f in new[] { model, manifest, report, reportHtml })
        {
            if (!File.Exists(f)) return $"exit 0 but {Path.GetFileName(f)} is missing";
        }

        var stray = StrayFiles(outDir, model, manifest, report, reportHtml);
        if (stray is not null) return stray;

        var bytes = File.ReadAllBytes(model);
        try
        {
            ModelFile.Load(model);
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
            using var session = new InferenceSession(bytes, options);
        }
        catch (Exception e)
        {
            return $"the optimized model does not load: {e.GetType().Name}: {Diagnostics.Trim(e.Message)}";
        }

        try
        {
            using var m = JsonDocument.Parse(File.ReadAllBytes(manifest));
            var sha = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
            if (m.RootElement.GetProperty("sha256").GetString() != sha) return "the manifest's sha256 is not the model's";
            using var r = JsonDocument.Parse(File.ReadAllBytes(report));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"manifest or report is not valid: {e.Message}";
        }

        return null;
    }

    private static string? VerifyInspect(string stdout)
    {
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            return null;
        }
        catch (JsonException e)
        {
            return $"inspect --json printed invalid JSON: {e.Message}";
        }
    }

    /// <summary>After a failed run: nothing in the output folder, and nothing new in the input folder.</summary>
    private static string? LeftOvers(string outDir, string inDir)
    {
        var left = Directory.GetFiles(outDir);
        if (left.Length > 0) return "a failed run left " + string.Join(", ", left.Select(Path.GetFileName));
        return StrayFiles(inDir, Directory.GetFiles(inDir).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).ToArray());
    }

    private static string? StrayFiles(string dir, params string[] expected)
    {
        var stray = Directory.GetFiles(dir).Where(f => !expected.Contains(f)).ToList();
        return stray.Count == 0 ? null : "stray files: " + string.Join(", ", stray.Select(Path.GetFileName));
    }
}
