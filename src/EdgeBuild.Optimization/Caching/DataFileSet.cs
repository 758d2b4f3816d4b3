namespace EdgeBuild.Optimization.Caching;

/// <summary>
/// The files a data argument names (CalibrationData/ValidationData), expanded by <see cref="DataPatterns"/> exactly as
/// the samples are (a per-sample folder counts with all its files). Files are identified by their path relative to
/// the deepest folder holding them all and sorted ordinally, so the set hashes the same wherever the checkout lives.
/// </summary>
public sealed record DataFileSet(string Root, IReadOnlyList<DataFile> Files)
{
    public static DataFileSet Expand(string spec)
    {
        var files = DataPatterns.Files(DataPatterns.Items(Directory.GetCurrentDirectory(), spec));
        if (files.Count == 0) throw new FileNotFoundException($"data '{spec}' names no file, folder or glob that exists", spec);
        var root = CommonFolder(files);
        return new DataFileSet(root, files
            .Select(f => new DataFile((root.Length == 0 ? f : Path.GetRelativePath(root, f)).Replace('\\', '/'), f))
            .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
            .ToList());
    }

    private static string CommonFolder(IReadOnlyList<string> files)
    {
        var root = Path.GetDirectoryName(files[0])!;
        foreach (var file in files)
        {
            while (!file.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                if (Path.GetDirectoryName(root) is not { } parent) return ""; // different drives: full paths, still sorted
                root = parent;
            }
        }

        return root;
    }
}

public sealed record DataFile(string RelativePath, string FullPath);
