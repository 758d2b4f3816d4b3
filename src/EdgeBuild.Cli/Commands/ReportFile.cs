using System.Text;

namespace EdgeBuild.Cli.Commands;

/// <summary>
/// Writes a report through a temporary sibling and a rename: a run killed mid-write (Ctrl+C, a cancelled CI job)
/// leaves the previous report or none, never a truncated JSON file that a later step would choke on.
/// </summary>
internal static class ReportFile
{
    public static void Write(string path, string text)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temp, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
