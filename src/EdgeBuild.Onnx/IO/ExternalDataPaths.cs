namespace EdgeBuild.Onnx.IO;

/// <summary>
/// Keeps external data inside the model's folder. A model is untrusted input: its `location` strings must not
/// read (or, on save, write) files elsewhere, whether by `..`, an absolute path or a symbolic link.
/// </summary>
internal static class ExternalDataPaths
{
    private const int MaxLinkDepth = 40;

    /// <summary>The real path of <paramref name="location"/> under <paramref name="baseDirectory"/>, or null with the reason.</summary>
    public static string? Resolve(string baseDirectory, string location, out string? problem)
    {
        problem = CheckText(location);
        if (problem is not null) return null;

        var realBase = RealPath(baseDirectory);
        var realFile = RealPath(Path.Combine(baseDirectory, location));
        var prefix = realBase.EndsWith(Path.DirectorySeparatorChar) ? realBase : realBase + Path.DirectorySeparatorChar;
        if (!realFile.StartsWith(prefix, StringComparison.Ordinal))
        {
            problem = $"external data location '{location}' resolves to '{realFile}', outside the model's folder '{realBase}'";
            return null;
        }

        return realFile;
    }

    /// <summary>Rejects locations that are absolute, climb with `..`, or carry characters no file name should.</summary>
    public static string? CheckText(string location)
    {
        if (location.Length == 0) return "external data location is empty";
        if (location.IndexOf('\0') >= 0) return "external data location contains a NUL character";
        if (Path.IsPathRooted(location) || location[0] is '/' or '\\' || (location.Length >= 2 && location[1] == ':'))
            return $"external data location '{location}' is an absolute path; ONNX requires a path relative to the model's folder";
        if (location.Split('/', '\\').Any(segment => segment == ".."))
            return $"external data location '{location}' climbs out of the model's folder with '..'";
        return null;
    }

    /// <summary>The path with every symbolic link resolved (like POSIX realpath), so containment checks see where data really is.</summary>
    internal static string RealPath(string path, int depth = 0)
    {
        if (depth > MaxLinkDepth) throw new IOException($"too many levels of symbolic links resolving '{path}'");
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            current = info.LinkTarget is { } target
                ? RealPath(Path.GetFullPath(target, current), depth + 1)
                : next;
        }

        return current;
    }
}
