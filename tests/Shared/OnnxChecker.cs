using System.Diagnostics;

namespace EdgeBuild.Tests.Shared;

/// <summary>
/// onnx.checker.check_model(full_check=True) from Debian's python3-onnx (1.12: IR ≤ 8, opset ≤ 17), an
/// implementation independent of ours. One python process checks every path given; output is one
/// "OK path" or "FAIL path: first line of the error" per model.
/// </summary>
internal static class OnnxChecker
{
    private const string CheckScript = """
        import sys, onnx
        bad = 0
        for p in sys.argv[1:]:
            try:
                onnx.checker.check_model(onnx.load(p), full_check=True)
                print("OK " + p)
            except Exception as e:
                bad += 1
                print("FAIL " + p + ": " + str(e).splitlines()[0])
        sys.exit(1 if bad else 0)
        """;

    /// <summary>Checks the models (external data is read from next to each file, as onnx.load does).</summary>
    public static (int ExitCode, string Output) Run(IReadOnlyList<string> paths)
    {
        var start = new ProcessStartInfo(PythonWithOnnx()) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(CheckScript);
        foreach (var p in paths) start.ArgumentList.Add(p);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>The number of "OK" lines in a <see cref="Run"/> output.</summary>
    public static int Passed(string output) => output.Split('\n').Count(l => l.StartsWith("OK ", StringComparison.Ordinal));

    /// <summary>Debian's python3 (with python3-onnx); a python3 earlier on PATH (pyenv, venv) usually lacks it.</summary>
    private static string PythonWithOnnx()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import onnx"]) { RedirectStandardError = true })!;
                probe.StandardError.ReadToEnd();
                probe.WaitForExit();
                if (probe.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed at that path; try the next
            }
        }

        throw new InvalidOperationException("No python3 with the onnx module found. Install it with: apt-get install -y python3-onnx");
    }
}
