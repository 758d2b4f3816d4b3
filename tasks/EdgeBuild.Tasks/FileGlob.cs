using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeBuild.Tasks;

/// <summary>
/// Expands the data patterns of EdgeModel metadata (`calib/*.npy`, `data/**/*.png`, a folder, or
/// several of these separated by ';') into files, so the build's Inputs see every sample and a
/// pattern that matches nothing is caught before the tool starts. Relative patterns are relative
/// to the project folder, as MSBuild item includes are.
/// </summary>
internal static class FileGlob
{
    public static IEnumerable<string> SplitPatterns(string patterns) =>
        patterns.Split(';').Select(p => p.Trim()).Where(p => p.Length > 0);

    /// <summary>The files one pattern names, as full paths sorted ordinally (stable across file systems).</summary>
    public static IReadOnlyList<string> Expand(string baseDirectory, string pattern)
    {
        var normalized = pattern.Replace('\\', '/');
        var wildcard = normalized.IndexOfAny(['*', '?']);
        if (wildcard < 0)
        {
            var path = Path.GetFullPath(Path.Combine(baseDirectory, normalized));
            if (File.Exists(path)) return [path];
            if (Directory.Exists(path)) return Sorted(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories));
            return [];
        }

        // The fixed folder before the first wildcard is where enumeration starts.
        var lastSlash = normalized.LastIndexOf('/', wildcard);
        var root = lastSlash < 0 ? "" : normalized.Substring(0, lastSlash);
        var relativePattern = lastSlash < 0 ? normalized : normalized.Substring(lastSlash + 1);
        var rootPath = Path.GetFullPath(Path.Combine(baseDirectory, root.Length == 0 ? "." : root));
        if (!Directory.Exists(rootPath)) return [];

        var regex = ToRegex(relativePattern);
        var recursive = relativePattern.Contains("/") || relativePattern.Contains("**");
        var candidates = Directory.EnumerateFiles(rootPath, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly);
        return Sorted(candidates.Where(f => regex.IsMatch(RelativePath(rootPath, f))));
    }

    private static IReadOnlyList<string> Sorted(IEnumerable<string> files)
    {
        var list = files.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    private static string RelativePath(string root, string file) =>
        file.Substring(root.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Replace('\\', '/');

    private static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches zero or more folders; a trailing "**" matches anything below.
                var slashFollows = i + 2 < pattern.Length && pattern[i + 2] == '/';
                sb.Append(slashFollows ? "(?:.*/)?" : ".*");
                i += slashFollows ? 2 : 1;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }

        sb.Append('$');
        var options = Path.DirectorySeparatorChar == '\\' ? RegexOptions.IgnoreCase : RegexOptions.None;
        return new Regex(sb.ToString(), options | RegexOptions.CultureInvariant);
    }
}
