using EdgeBuild.Onnx.IO;

namespace EdgeBuild.Cli.Commands;

/// <summary>
/// Writes a report through a temporary sibling and a rename: a run killed mid-write (Ctrl+C, a cancelled CI job)
/// leaves the previous report or none, never a truncated JSON file that a later step would choke on.
/// </summary>
internal static class ReportFile
{
    public static void Write(string path, string text) => AtomicFile.WriteAllText(path, text);
}
