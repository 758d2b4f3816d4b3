using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace EdgeBuild.Tasks;

/// <summary>
/// One file per model whose content is every option that shapes the tool's output. It is an input
/// of the optimize target and rewritten only when its content changes, so an option edit (Target,
/// Precision, a new calibration file) re-runs the tool while an untouched project stays a no-op.
/// </summary>
internal static class OptionsStamp
{
    /// <summary>Writes <paramref name="content"/> (prefixed by its SHA-256) unless the file already holds it; returns whether it wrote.</summary>
    public static bool WriteIfChanged(string path, string content)
    {
        var text = "sha256 " + Sha256Hex(content) + "\n" + content;
        if (File.Exists(path) && string.Equals(File.ReadAllText(path), text, StringComparison.Ordinal)) return false;

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, text, new UTF8Encoding(false));
        // Replace is atomic where the file exists; readers never see a half-written stamp.
        if (File.Exists(path)) File.Replace(temp, path, null);
        else File.Move(temp, path);
        return true;
    }

    private static string Sha256Hex(string content)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(content));
        var sb = new StringBuilder(hash.Length * 2);
        foreach (var b in hash) sb.Append(b.ToString("x2"));
        return sb.ToString();
    }
}
