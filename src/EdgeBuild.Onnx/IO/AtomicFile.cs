namespace EdgeBuild.Onnx.IO;

/// <summary>Writes a file through a temporary sibling and a rename, so readers never see a half-written file.</summary>
internal static class AtomicFile
{
    /// <summary>Creates a temporary file next to <paramref name="destination"/>; commit it with <see cref="Commit"/>.</summary>
    public static (string TempPath, FileStream Stream) Create(string destination)
    {
        var dir = Path.GetDirectoryName(destination)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
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
        catch (IOException)
        {
            // best effort: the original error matters more than a stray temp file
        }
    }
}
