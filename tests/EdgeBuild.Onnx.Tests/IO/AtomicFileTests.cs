using System.Diagnostics;
using EdgeBuild.Onnx.IO;

namespace EdgeBuild.Onnx.Tests.IO;

/// <summary>
/// Temporaries left by a killed writer are removed by the next write to the same file; those of a writer that still
/// runs (a concurrent build) and of other files are left alone.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The id of a process that has exited (ids are reused only after wrapping around).</summary>
    private static int DeadProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    private string Touch(string name, TimeSpan? age = null)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, "partial");
        if (age is { } a) File.SetLastWriteTimeUtc(path, DateTime.UtcNow - a);
        return path;
    }

    [Fact]
    public void Writing_a_file_removes_temporaries_of_dead_writers_and_keeps_live_ones()
    {
        var dead = DeadProcessId();
        var guid = Guid.NewGuid().ToString("N");
        var stale = new[]
        {
            Touch($".model.onnx.{dead}-{guid}.tmp"),          // current form, writer killed
            Touch($"model.onnx.{dead}.tmp"),                   // older NAME.PID.tmp form
            Touch($".model.onnx.{Guid.NewGuid():N}.tmp", TimeSpan.FromHours(1)), // older GUID form, long abandoned
        };
        var kept = new[]
        {
            Touch($".model.onnx.{Environment.ProcessId}-{guid}.tmp"), // this process is still writing it
            Touch($".model.onnx.{Guid.NewGuid():N}.tmp"),             // GUID form, too recent to judge
            Touch($".other.onnx.{dead}-{guid}.tmp"),                  // another file's temporary
            Touch("model.onnx.data"),
        };

        AtomicFile.WriteAllBytes(_dir.File("model.onnx"), [1, 2, 3]);

        Assert.Equal([1, 2, 3], File.ReadAllBytes(_dir.File("model.onnx")));
        Assert.All(stale, f => Assert.False(File.Exists(f), $"{Path.GetFileName(f)} was not removed"));
        Assert.All(kept, f => Assert.True(File.Exists(f), $"{Path.GetFileName(f)} was removed"));
    }

    [Fact]
    public void Temporary_names_record_the_writing_process()
    {
        var temp = Path.GetFileName(AtomicFile.TempPathFor(_dir.File("m.report.json")));
        Assert.StartsWith($".m.report.json.{Environment.ProcessId}-", temp, StringComparison.Ordinal);
        Assert.EndsWith(".tmp", temp, StringComparison.Ordinal);
    }
}
