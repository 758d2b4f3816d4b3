using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeBuild;

/// <summary>
/// The one expansion of a data argument (CalibrationData/ValidationData, --calibration-data/--validation-data), linked
/// into the MSBuild task, the optimizer and the cache key, so all three see the same samples:
/// <list type="bullet">
/// <item>several patterns separated by ';', each relative to a base folder (the project folder, or the current folder);</item>
/// <item>a file: itself; a file named <c>*.samples</c>: its lines, one sample path each (relative to the list's folder);</item>
/// <item>a folder: its entries, files and per-sample folders (multi-input models), not recursive;</item>
/// <item>a glob: <c>*</c> and <c>?</c> within one path segment, <c>**</c> for any number of folders (zero included), a
/// trailing <c>**</c> for every file below; its last segment matches files and per-sample folders alike.</item>
/// </list>
/// Entries whose name starts with '.' are skipped unless the pattern's segment starts with '.' itself. Case follows
/// the file system's convention (insensitive on Windows only). Each pattern's matches are sorted ordinally; the
/// patterns' results follow in order, a path named twice counted once.
/// </summary>
internal static class DataPatterns
{
    /// <summary>The extension of a sample list file (what the MSBuild task passes the tool).</summary>
    public const string ListExtension = ".samples";

    public static IEnumerable<string> Split(string patterns) =>
        patterns.Split(';').Select(p => p.Trim()).Where(p => p.Length > 0);

    /// <summary>Every sample item (file or per-sample folder) the patterns name, as full paths.</summary>
    public static IReadOnlyList<string> Items(string baseDirectory, string patterns)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<string>();
        foreach (var pattern in Split(patterns))
        {
            foreach (var item in Expand(baseDirectory, pattern))
            {
                if (seen.Add(item)) items.Add(item);
            }
        }

        return items;
    }

    /// <summary>The items one pattern names (no ';'), as full paths; none when nothing matches.</summary>
    public static IReadOnlyList<string> Expand(string baseDirectory, string pattern)
    {
        var normalized = pattern.Replace('\\', '/');
        if (normalized.IndexOfAny(new[] { '*', '?' }) < 0)
        {
            var path = Path.GetFullPath(Path.Combine(baseDirectory, normalized));
            if (File.Exists(path))
                return path.EndsWith(ListExtension, StringComparison.OrdinalIgnoreCase) ? ReadList(path) : new[] { path };
            return Directory.Exists(path) ? Sorted(Entries(path, visibleOnly: true)) : Array.Empty<string>();
        }

        var segments = normalized.Split('/');
        var first = Array.FindIndex(segments, s => s.IndexOfAny(new[] { '*', '?' }) >= 0);
        var root = string.Join("/", segments, 0, first);
        // "/data/*.npy" splits into "", "data", "*.npy": an empty root text is the file system's root.
        var rootPath = Path.GetFullPath(Path.Combine(baseDirectory, first == 0 ? "." : root.Length == 0 ? "/" : root));
        var found = new List<string>();
        if (Directory.Exists(rootPath)) Walk(rootPath, segments, first, found);
        return Sorted(found.Distinct(StringComparer.Ordinal));
    }

    /// <summary>Every file the items consist of: a file itself, a per-sample folder's files (recursively, no dot entries).</summary>
    public static IReadOnlyList<string> Files(IEnumerable<string> items)
    {
        var files = new List<string>();
        foreach (var item in items)
        {
            if (Directory.Exists(item)) files.AddRange(Sorted(FilesBelow(item)));
            else files.Add(item);
        }

        return files;
    }

    /// <summary>Writes a list file of <paramref name="items"/> unless it already holds exactly them; returns whether it wrote.</summary>
    public static bool WriteList(string path, IEnumerable<string> items)
    {
        var text = string.Concat(items.Select(i => i + "\n"));
        if (File.Exists(path) && string.Equals(File.ReadAllText(path), text, StringComparison.Ordinal)) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return true;
    }

    private static IReadOnlyList<string> ReadList(string listPath)
    {
        var folder = Path.GetDirectoryName(listPath)!;
        return File.ReadAllLines(listPath)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal))
            .Select(l => Path.GetFullPath(Path.Combine(folder, l)))
            .ToList();
    }

    private static void Walk(string directory, string[] segments, int index, List<string> found)
    {
        var segment = segments[index];
        var last = index == segments.Length - 1;
        if (segment == "**")
        {
            if (last)
            {
                found.AddRange(FilesBelow(directory));
                return;
            }

            Walk(directory, segments, index + 1, found); // zero folders
            foreach (var sub in Directory.EnumerateDirectories(directory).Where(IsVisible)) Walk(sub, segments, index, found);
            return;
        }

        if (segment.Length == 0 || segment == ".")
        {
            if (last) found.AddRange(Entries(directory, visibleOnly: true));
            else Walk(directory, segments, index + 1, found);
            return;
        }

        var regex = SegmentRegex(segment);
        var dotsAllowed = segment.StartsWith(".", StringComparison.Ordinal);
        var candidates = last ? Entries(directory, visibleOnly: !dotsAllowed) : Directory.EnumerateDirectories(directory).Where(d => dotsAllowed || IsVisible(d));
        foreach (var entry in candidates)
        {
            if (!regex.IsMatch(Path.GetFileName(entry))) continue;
            if (last) found.Add(entry);
            else Walk(entry, segments, index + 1, found);
        }
    }

    private static IEnumerable<string> Entries(string directory, bool visibleOnly) =>
        Directory.EnumerateFileSystemEntries(directory).Where(e => !visibleOnly || IsVisible(e));

    private static IEnumerable<string> FilesBelow(string directory) =>
        Directory.EnumerateFiles(directory).Where(IsVisible)
            .Concat(Directory.EnumerateDirectories(directory).Where(IsVisible).SelectMany(FilesBelow));

    private static bool IsVisible(string path) => !Path.GetFileName(path).StartsWith(".", StringComparison.Ordinal);

    private static IReadOnlyList<string> Sorted(IEnumerable<string> paths)
    {
        var list = paths.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    private static Regex SegmentRegex(string segment)
    {
        var sb = new StringBuilder("^");
        foreach (var c in segment)
        {
            if (c == '*') sb.Append(".*");
            else if (c == '?') sb.Append('.');
            else sb.Append(Regex.Escape(c.ToString()));
        }

        sb.Append('$');
        var options = Path.DirectorySeparatorChar == '\\' ? RegexOptions.IgnoreCase : RegexOptions.None;
        return new Regex(sb.ToString(), options | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
