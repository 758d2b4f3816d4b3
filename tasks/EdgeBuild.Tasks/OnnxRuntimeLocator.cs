using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace EdgeBuild.Tasks;

/// <summary>
/// The packaged tool ships without ONNX Runtime's native libraries (~390 MB for all RIDs); the
/// .NET host finds the build machine's one in the NuGet package folders, where restoring
/// EdgeBuild's dependency on Microsoft.ML.OnnxRuntime put it. This checks that beforehand so a
/// missing package is one clear error instead of the host's "dependency manifest" failure.
/// </summary>
internal static class OnnxRuntimeLocator
{
    private static readonly Regex PackagePath = new("\"microsoft\\.ml\\.onnxruntime/(?<version>[^\"]+)\"", RegexOptions.CultureInvariant);

    /// <summary>The Microsoft.ML.OnnxRuntime version the tool's deps.json was built against, or null.</summary>
    public static string? VersionFromDepsFile(string depsJsonPath)
    {
        if (!File.Exists(depsJsonPath)) return null;
        var m = PackagePath.Match(File.ReadAllText(depsJsonPath));
        return m.Success ? m.Groups["version"].Value : null;
    }

    /// <summary>The RID whose native ONNX Runtime the tool needs on this machine.</summary>
    public static string HostRid()
    {
        var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
            : "linux";
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            _ => "x64",
        };
        return os + "-" + arch;
    }

    public static string NativeFileName(string rid) =>
        rid.StartsWith("win", StringComparison.Ordinal) ? "onnxruntime.dll"
        : rid.StartsWith("osx", StringComparison.Ordinal) ? "libonnxruntime.dylib"
        : "libonnxruntime.so";

    /// <summary>The package folder holding the native library, or null when no probing path has it.</summary>
    public static string? FindNative(IEnumerable<string> packageFolders, string version, string rid) =>
        packageFolders
            .Select(folder => Path.Combine(folder, "microsoft.ml.onnxruntime", version, "runtimes", rid, "native", NativeFileName(rid)))
            .FirstOrDefault(File.Exists);
}
