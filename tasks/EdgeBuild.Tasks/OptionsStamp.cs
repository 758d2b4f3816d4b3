using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Build.Framework;

namespace EdgeBuild.Tasks;

/// <summary>
/// One file per model whose content is every option that shapes the tool's output. It is an input
/// of the optimize target and rewritten only when its content changes, so an option edit (Target,
/// Precision, a new calibration file) re-runs the tool while an untouched project stays a no-op.
/// </summary>
internal static class OptionsStamp
{
    /// <summary>
    /// Every custom metadata of the resolved item (what the user declared and what ResolveEdgeModels computed, i.e.
    /// all the tool is started with), minus <see cref="EdgeModelMetadata.NotStamped"/>, plus the tool's identity and
    /// the data file lists (adding a sample re-runs calibration even if its timestamp is old). Derived, not listed:
    /// metadata added later is stamped without anyone remembering to add it here.
    /// </summary>
    public static string Content(ITaskItem item, string toolIdentity, IReadOnlyList<string> externalData, IReadOnlyList<string> calibration, IReadOnlyList<string> validation)
    {
        var sb = new StringBuilder();
        void Line(string key, string value) => sb.Append(key).Append('=').Append(value.Replace('\n', ' ')).Append('\n');
        Line("tool", toolIdentity);
        var metadata = item.CloneCustomMetadata();
        foreach (var name in metadata.Keys.Cast<string>().OrderBy(n => n, StringComparer.Ordinal))
        {
            if (!EdgeModelMetadata.NotStamped.Contains(name)) Line(name, (string)metadata[name]!);
        }

        foreach (var f in externalData) Line("externalData", f);
        foreach (var f in calibration) Line("calibrationFile", f);
        foreach (var f in validation) Line("validationFile", f);
        return sb.ToString();
    }

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
