using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Tasks.Tests;

/// <summary>A throwaway project folder with a copy of the real detector, deleted after the test.</summary>
internal sealed class TempProject : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "edgebuild-tasks-" + Guid.NewGuid().ToString("N")[..12]);

    public string ProjectFile => Path.Combine(Directory, "App.csproj");

    public string ObjDirectory => Path.Combine(Directory, "obj", "edgebuild");

    public TempProject()
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(ProjectFile, "<Project Sdk=\"Microsoft.NET.Sdk\" />");
    }

    public string AddDetector(string relativePath = "models/ch_PP-OCRv4_det_infer.onnx") => AddFile(relativePath, File.ReadAllBytes(TestAssets.Detector));

    public string AddFile(string relativePath, byte[] content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
