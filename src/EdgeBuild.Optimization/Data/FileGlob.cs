using System.Text.RegularExpressions;

namespace EdgeBuild.Optimization.Data;

/// <summary>
/// Resolves a data argument to a sorted list of paths: a folder (its entries), a file, or a glob whose
/// last segments may hold * and ? ("calib/*.npy", "data/**/*.png"). Sorted ordinally so every run sees
/// the same samples in the same order.
/// </summary>
public static class FileGlob
{
    public static IReadOnlyList<string> Resolve(string pattern)
    {
        if (File.Exists(pattern)) return [pattern];
        if (Directory.Exists(pattern))
        {
            return Directory.EnumerateFileSystemEntries(pattern)
                .Where(p => !Path.GetFileName(p).StartsWith('.'))
                .Order(StringComparer.Ordinal).ToList();
        }

        var wildcard = pattern.IndexOfAny(['*', '?']);
        if (wildcard < 0) return [];
        var sep = pattern.LastIndexOfAny(['/', '\\'], wildcard);
        var root = sep < 0 ? "." : pattern[..sep];
        var rest = sep < 0 ? pattern : pattern[(sep + 1)..];
        if (!Directory.Exists(root)) return [];

        var regex = new Regex("^" + Regex.Escape(rest.Replace('\\', '/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
        var recursive = rest.Contains('/') || rest.Contains("**", StringComparison.Ordinal);
        return Directory.EnumerateFileSystemEntries(root, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(p => regex.IsMatch(Path.GetRelativePath(root, p).Replace('\\', '/')))
            .Order(StringComparer.Ordinal).ToList();
    }
}
