using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EdgeBuild.Onnx.IO;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so readers never see a half-written file. The one
/// implementation every EdgeBuild writer uses (models, external data, manifests, reports, cache copies).
/// </summary>
/// <remarks>
/// A run killed mid-write (Ctrl+C, a cancelled CI job, SIGKILL) cannot delete its temporary file. Its name,
/// <c>.NAME.PID-GUID.tmp</c>, records the writing process, so the next write to the same destination deletes the
/// temporaries of processes that no longer run, and never those of a concurrent build still writing.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Temporaries in the names older EdgeBuild versions used (NAME.PID.tmp, .NAME.GUID.tmp) count as stale after this long.</summary>
    private static readonly TimeSpan LegacyTempMaxAge = TimeSpan.FromMinutes(10);

    /// <summary>Creates a temporary file next to <paramref name="destination"/>; commit it with <see cref="Commit"/>.</summary>
    public static (string TempPath, FileStream Stream) Create(string destination)
    {
        var full = Path.GetFullPath(destination);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        RemoveStaleTemporaries(full);
        var temp = TempPathFor(full);
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        return (temp, stream);
    }

    public static void Commit(string tempPath, string destination) => File.Move(tempPath, destination, overwrite: true);

    public static void Discard(string? tempPath)
    {
        if (tempPath is null) return;
        try
        {
            File.Delete(tempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: the original error matters more than a stray temp file
        }
    }

    public static void WriteAllBytes(string destination, ReadOnlySpan<byte> bytes)
    {
        var (temp, stream) = Create(destination);
        var committed = false;
        try
        {
            using (stream)
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            Commit(temp, destination);
            committed = true;
        }
        finally
        {
            if (!committed) Discard(temp);
        }
    }

    /// <summary>UTF-8 without BOM.</summary>
    public static void WriteAllText(string destination, string text) => WriteAllBytes(destination, new UTF8Encoding(false).GetBytes(text));

    public static void Copy(string source, string destination)
    {
        var (temp, stream) = Create(destination);
        var committed = false;
        try
        {
            using (stream)
            using (var input = File.OpenRead(source))
            {
                input.CopyTo(stream);
            }

            Commit(temp, destination);
            committed = true;
        }
        finally
        {
            if (!committed) Discard(temp);
        }
    }

    /// <summary><c>.NAME.PID-GUID.tmp</c> next to <paramref name="destination"/>.</summary>
    public static string TempPathFor(string destination) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(destination))!, $".{Path.GetFileName(destination)}.{NewWriterTag()}.tmp");

    /// <summary>
    /// <c>PID-GUID</c>: the part of a temporary's name that says which process wrote it, so a later run can tell a
    /// killed writer's leftovers (<see cref="IsAbandoned"/>) from a live concurrent writer's. Other writers of
    /// temporaries (the result cache's entry folders) use it too.
    /// </summary>
    public static string NewWriterTag() => string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>
    /// Whether the temporary at <paramref name="path"/> (file or folder), whose name carries <paramref name="tag"/>,
    /// was left by a process that no longer runs: a <c>PID-GUID</c> or legacy <c>PID</c> tag whose process is gone, or
    /// a legacy GUID-only tag older than 10 minutes. Never true for this process's or another live process's.
    /// </summary>
    public static bool IsAbandoned(string tag, string path)
    {
        var dash = tag.IndexOf('-', StringComparison.Ordinal);
        var pidText = dash > 0 ? tag[..dash] : tag;
        if (pidText.Length <= 10 && int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return !IsRunning(pid);
        return tag.Length == 32 && DateTime.UtcNow - Directory.GetLastWriteTimeUtc(path) > LegacyTempMaxAge;
    }

    /// <summary>Deletes temporaries of <paramref name="destination"/> left by killed runs; returns how many it deleted.</summary>
    public static int RemoveStaleTemporaries(string destination)
    {
        var full = Path.GetFullPath(destination);
        var dir = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        if (!Directory.Exists(dir)) return 0;
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(dir, "*" + name + ".*.tmp"))
        {
            if (!IsStale(Path.GetFileName(path), name, path)) continue;
            try
            {
                File.Delete(path);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another run is cleaning up too, or the folder is read-only: the stray file is harmless
            }
        }

        return removed;
    }

    private static bool IsStale(string fileName, string name, string path)
    {
        string middle;
        if (fileName.StartsWith("." + name + ".", StringComparison.Ordinal)) middle = fileName[(name.Length + 2)..^4];
        else if (fileName.StartsWith(name + ".", StringComparison.Ordinal)) middle = fileName[(name.Length + 1)..^4];
        else return false;

        // Current form "PID-GUID"; legacy forms "PID" (NAME.PID.tmp) and "GUID" (.NAME.GUID.tmp).
        return IsAbandoned(middle, path);
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
