using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EdgeBuild.Tasks;

/// <summary>
/// Runs `edgebuild optimize` for one resolved EdgeModel, out of process: native ONNX Runtime stays
/// out of MSBuild's nodes (no DLL locking, works under Visual Studio's .NET Framework MSBuild).
/// The tool is framework-dependent and started as `dotnet exec --additionalprobingpath
/// &lt;NuGet package folder&gt; edgebuild.dll`, so its ONNX Runtime native library comes from the
/// restored Microsoft.ML.OnnxRuntime package instead of being shipped a second time.
/// The tool's canonical stderr lines become MSBuild errors and warnings with their EDGE codes.
/// </summary>
public sealed class EdgeBuildOptimize : ToolTask
{
    /// <summary>One item from <see cref="ResolveEdgeModels"/>.</summary>
    [Required] public ITaskItem Model { get; set; } = null!;

    /// <summary>Full path of the packaged edgebuild.dll.</summary>
    [Required] public string ToolAssembly { get; set; } = "";

    [Required] public string ProjectFile { get; set; } = "";

    /// <summary>$(DOTNET_HOST_PATH) under `dotnet build`; empty under Visual Studio, where `dotnet` is looked up on PATH.</summary>
    public string DotnetHostPath { get; set; } = "";

    /// <summary>$(NuGetPackageFolders): where the host probes for the tool's package assets (ONNX Runtime's native library).</summary>
    public string[] PackageFolders { get; set; } = [];

    /// <summary>$(EdgeBuildCacheDir): a result cache shared between projects and CI runs.</summary>
    public string CacheDirectory { get; set; } = "";

    /// <summary>$(EdgeBuildFailOnBudget): budget warnings (EDGE03xx) become errors.</summary>
    public bool FailOnBudget { get; set; }

    protected override string ToolName => Path.DirectorySeparatorChar == '\\' ? "dotnet.exe" : "dotnet";

    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Normal;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    private string Meta(string name) => Model.GetMetadata(name);

    private string ProjectDirectory => Path.GetDirectoryName(ProjectFile)!;

    public override bool Execute()
    {
        var outputs = new[] { Meta(EdgeModelMetadata.OptimizedModel), Meta(EdgeModelMetadata.Manifest) };
        Log.LogMessage(MessageImportance.High, "EdgeBuild: optimizing {0} for {1} ({2}) -> {3}",
            Meta(EdgeModelMetadata.SourcePath), Meta(EdgeModelMetadata.Target), Meta(EdgeModelMetadata.Precision), outputs[0]);

        var ok = base.Execute() && !Log.HasLoggedErrors;
        if (ok && outputs.FirstOrDefault(o => !File.Exists(o)) is { } missing)
        {
            Error(EdgeBuildDiagnostics.OutputMissing, $"edgebuild optimize exited with success but did not write '{missing}'. Report this with the build log (-bl)");
            ok = false;
        }

        // A failed run must not leave outputs that look up to date, or the next build would skip the tool and lose the error.
        if (!ok) foreach (var output in outputs) TryDelete(output);
        return ok;
    }

    protected override bool ValidateParameters()
    {
        if (!File.Exists(ToolAssembly))
        {
            Error(EdgeBuildDiagnostics.ToolNotFound, $"The edgebuild tool '{ToolAssembly}' does not exist. Restore the EdgeBuild package again (dotnet restore --force) or fix $(EdgeBuildToolAssembly)");
            return false;
        }

        var depsFile = Path.ChangeExtension(ToolAssembly, ".deps.json");
        var version = OnnxRuntimeLocator.VersionFromDepsFile(depsFile);
        if (version is null) return true;
        var rid = OnnxRuntimeLocator.HostRid();
        if (OnnxRuntimeLocator.FindNative(ProbingPaths(), version, rid) is null)
        {
            Error(EdgeBuildDiagnostics.OnnxRuntimeNotRestored,
                $"ONNX Runtime {version}'s native library for {rid} was not found in the NuGet package folders ({string.Join(", ", ProbingPaths())}). " +
                $"Run `dotnet restore`: EdgeBuild depends on Microsoft.ML.OnnxRuntime {version}, which provides it");
            return false;
        }

        return true;
    }

    protected override string GenerateFullPathToTool()
    {
        if (DotnetHostPath.Length > 0 && File.Exists(DotnetHostPath)) return DotnetHostPath;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator)
            .Where(dir => dir.Length > 0)
            .Select(dir => Path.Combine(dir, ToolName))
            .FirstOrDefault(File.Exists);
        return onPath ?? ToolName;
    }

    protected override string GetWorkingDirectory() => ProjectDirectory;

    protected override string GenerateCommandLineCommands()
    {
        var cmd = new CommandLineBuilder(quoteHyphensOnCommandLine: false, useNewLineSeparator: false);
        cmd.AppendSwitch("exec");
        foreach (var folder in ProbingPaths()) cmd.AppendSwitchIfNotNull("--additionalprobingpath ", folder);
        cmd.AppendFileNameIfNotNull(ToolAssembly);
        cmd.AppendSwitch("optimize");
        cmd.AppendFileNameIfNotNull(Meta(EdgeModelMetadata.SourcePath));
        cmd.AppendSwitchIfNotNull("--target ", Meta(EdgeModelMetadata.Target));
        cmd.AppendSwitchIfNotNull("--output ", Meta(EdgeModelMetadata.OptimizedModel));
        cmd.AppendSwitchIfNotNull("--manifest ", Meta(EdgeModelMetadata.Manifest));
        cmd.AppendSwitchIfNotNull("--report ", Meta(EdgeModelMetadata.Report));
        cmd.AppendSwitchIfNotNull("--class-name ", Meta(EdgeModelMetadata.ClassName));
        cmd.AppendSwitchIfNotNull("--namespace ", Meta(EdgeModelMetadata.Namespace));
        cmd.AppendSwitchIfNotNull("--precision ", Meta(EdgeModelMetadata.Precision));
        AppendIfSet(cmd, "--dims ", Meta(EdgeModelMetadata.Dims));
        AppendIfSet(cmd, "--calibration-data ", Meta(EdgeModelMetadata.CalibrationList));
        AppendIfSet(cmd, "--validation-data ", Meta(EdgeModelMetadata.ValidationList));
        AppendIfSet(cmd, "--preprocess ", Meta(EdgeModelMetadata.Preprocess));
        AppendIfSet(cmd, "--synthetic-values ", Meta(EdgeModelMetadata.SyntheticValues));
        AppendIfSet(cmd, "--min-sqnr ", Meta(EdgeModelMetadata.MinSqnrDb));
        AppendIfSet(cmd, "--accuracy ", Meta(EdgeModelMetadata.Accuracy));
        AppendIfSet(cmd, "--fallback-attempts ", Meta(EdgeModelMetadata.FallbackAttempts));
        AppendIfSet(cmd, "--fallback-time ", Meta(EdgeModelMetadata.FallbackTimeBudget));
        AppendIfSet(cmd, "--exclude-nodes ", Meta(EdgeModelMetadata.ExcludeNodes));
        AppendIfSet(cmd, "--profile ", Meta(EdgeModelMetadata.ProfilePath));
        AppendIfSet(cmd, "--cache-dir ", CacheDirectory.Length == 0 ? "" : Path.GetFullPath(Path.Combine(ProjectDirectory, CacheDirectory)));
        if (string.Equals(Meta(EdgeModelMetadata.Embed), "true", StringComparison.OrdinalIgnoreCase)) cmd.AppendSwitch("--embed");
        if (string.Equals(Meta(EdgeModelMetadata.ExternalData), "true", StringComparison.OrdinalIgnoreCase)) cmd.AppendSwitch("--external-data");
        return cmd.ToString();
    }

    private static void AppendIfSet(CommandLineBuilder cmd, string name, string value)
    {
        if (value.Length > 0) cmd.AppendSwitchIfNotNull(name, value);
    }

    private IEnumerable<string> ProbingPaths() =>
        PackageFolders.Select(f => f.Trim()).Where(f => f.Length > 0).Select(f => f.TrimEnd('/', '\\')).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// A stage's progress lines after its first are logged at normal verbosity at most this often (the rest at detailed),
    /// so a CI log shows each stage as it starts and how a long one advances, not one line per sample.
    /// </summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    private string? _progressStage;
    private DateTime _progressLogged;

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (ProgressLine.TryParse(singleLine, out var stage, out var detail))
        {
            LogProgress(stage, detail);
            return;
        }

        var diagnostic = CanonicalDiagnostic.TryParse(singleLine);
        if (diagnostic is null)
        {
            Log.LogMessage(messageImportance, "{0}", singleLine);
            return;
        }

        // Diagnostics without a file (usage, unknown target) point at the project, where the item's metadata lives.
        var file = diagnostic.HasFileOrigin ? diagnostic.Origin : ProjectFile;
        var message = diagnostic.HasSubjectOrigin && diagnostic.Message.IndexOf(diagnostic.Origin, StringComparison.Ordinal) < 0
            ? $"{diagnostic.Origin}: {diagnostic.Message}"
            : diagnostic.Message;
        if (!diagnostic.HasFileOrigin) message = $"EdgeModel '{Meta(EdgeModelMetadata.SourcePath)}': {message}";
        var asError = diagnostic.IsError || (FailOnBudget && IsBudgetCode(diagnostic.Code));
        if (asError) Log.LogError(null, diagnostic.Code, null, file, diagnostic.Line, diagnostic.Column, 0, 0, message);
        else Log.LogWarning(null, diagnostic.Code, null, file, diagnostic.Line, diagnostic.Column, 0, 0, message);
    }

    /// <summary>"det.onnx → rpi5: calibrating 21/21 samples …" at normal verbosity once per stage and every <see cref="ProgressInterval"/>.</summary>
    private void LogProgress(string stage, string detail)
    {
        var now = DateTime.UtcNow;
        var importance = stage != _progressStage || now - _progressLogged >= ProgressInterval ? MessageImportance.Normal : MessageImportance.Low;
        if (importance == MessageImportance.Normal)
        {
            _progressStage = stage;
            _progressLogged = now;
        }

        Log.LogMessage(importance, "{0} \u2192 {1}: {2} \u2026", Path.GetFileName(Meta(EdgeModelMetadata.SourcePath)), Meta(EdgeModelMetadata.Target), detail);
    }

    private static bool IsBudgetCode(string code) =>
        code.StartsWith(DiagnosticCodes.BudgetPrefix, StringComparison.Ordinal) && code.Length == 8;

    /// <summary>The tool already explained a failure through its diagnostics; only a silent failure gets a generic error.</summary>
    protected override bool HandleTaskExecutionErrors()
    {
        if (Log.HasLoggedErrors) return false;
        Error(EdgeBuildDiagnostics.ToolFailed,
            $"edgebuild optimize exited with code {ExitCode} for '{Meta(EdgeModelMetadata.SourcePath)}' without reporting an error. See the tool output above; to learn more, rerun the logged `edgebuild optimize` command with --verbose (stage timings and ONNX Runtime's own warnings)");
        return false;
    }

    private void Error(string code, string message) =>
        Log.LogError(null, code, null, ProjectFile, 0, 0, 0, 0, message + ".");

    private static void TryDelete(string path)
    {
        try
        {
            if (path.Length > 0 && File.Exists(path)) File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
