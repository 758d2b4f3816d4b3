using System.Text.RegularExpressions;

namespace EdgeBuild.Optimization.Caching;

/// <summary>
/// The files a data argument names (CalibrationData/ValidationData): one file, a folder (all files
/// under it), or a glob (<c>calib/*.npy</c>, <c>data/**/*.png</c>). Files are identified by their
/// path relative to the root (the folder, or the glob's part before its first wildcard) and sorted
/// ordinally, so the set hashes the same wherever the checkout lives.
/// </summary>
public sealed record DataFileSet(string Root, IReadOnlyList<DataFile> Files)
{
    public static DataFileSet Expand(string spec)
    {
        var normalized = spec.Replace('\\', '/');
        var wildcard = normalized.IndexOfAny(['*', '?']);
        if (wildcard < 0)
        {
            if (File.Exists(spec)) return new DataFileSet(Path.GetDirectoryName(Path.GetFullPath(spec))!, [Make(Path.GetDirectoryName(Path.GetFullPath(spec))!, Path.GetFullPath(spec))]);
            if (Directory.Exists(spec)) return FromFolder(Path.GetFullPath(spec), _ => true);
            throw new FileNotFoundException($"data '{spec}' is neither a file, a folder nor a glob that exists", spec);
        }

        var slash = normalized.LastIndexOf('/', wildcard);
        var rootText = slash < 0 ? "." : normalized[..slash];
        var pattern = normalized[(slash + 1)..];
        var root = Path.GetFullPath(rootText.Length == 0 ? "/" : rootText);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"data '{spec}': folder '{root}' does not exist");
        var regex = GlobToRegex(pattern);
        return FromFolder(root, relative => regex.IsMatch(relative));
    }

    private static DataFileSet FromFolder(string root, Func<string, bool> include)
    {
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Make(root, path))
            .Where(f => include(f.RelativePath))
            .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
            .ToList();
        return new DataFileSet(root, files);
    }

    private static DataFile Make(string root, string fullPath) =>
        new(Path.GetRelativePath(root, fullPath).Replace('\\', '/'), fullPath);

    /// <summary><c>**/</c> any folders, <c>*</c> within one path segment, <c>?</c> one character.</summary>
    private static Regex GlobToRegex(string glob)
    {
        var pattern = "^" + Regex.Escape(glob)
            .Replace(@"\*\*/", "(?:.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$";
        return new Regex(pattern, RegexOptions.CultureInvariant);
    }
}

public sealed record DataFile(string RelativePath, string FullPath);
